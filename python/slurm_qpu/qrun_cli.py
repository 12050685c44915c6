"""Outside a QPU job: the built-in simulator through the ``qrun`` command, so the program that runs in
a job also runs on a laptop. Each run is one ``qrun --json sample|estimate PAYLOAD OUTPUT`` process
with the payload in a private temporary directory; its ``--json`` error line carries the code and hint.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import tempfile
import weakref
from typing import Any, Dict, List, Mapping, Optional, Sequence

from .errors import QrunError

def find_qrun(env: Mapping[str, str]) -> str:
    """QRUN_BIN, else ``qrun`` on PATH, else QRUN_NOT_FOUND with what to do."""
    explicit = env.get("QRUN_BIN", "")
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise QrunError(
            "QRUN_NOT_FOUND",
            f"QRUN_BIN={explicit} is not an executable file",
            hint="Point QRUN_BIN at the qrun command of a slurm-qpu installation, or unset it to use qrun from PATH.",
            details={"QRUN_BIN": explicit},
        )
    found = shutil.which("qrun", path=env.get("PATH", os.defpath))
    if found is None:
        raise QrunError(
            "QRUN_NOT_FOUND",
            "outside a QPU job the built-in simulator runs through the qrun command, and qrun is not on PATH",
            hint="Install slurm-qpu (npm install -g slurm-qpu) or set QRUN_BIN=/path/to/qrun. Inside a QPU job"
            " (QRUN_ENDPOINT set by the job) qrun is not needed.",
        )
    return found


def error_from_stderr(stderr: str, exit_code: int) -> QrunError:
    """qrun's ``--json`` error line ``{"error": {...}}``; failing that, its text lines and exit code."""
    for line in reversed(stderr.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                body = json.loads(line)
            except ValueError:
                continue
            if isinstance(body, dict) and "error" in body:
                return QrunError.from_json(body, "INTERNAL", line)
    tail = stderr.strip()[-2000:] or "(no output)"
    return QrunError(
        "TOOL_FAILED",
        f"qrun failed with exit code {exit_code}: {tail}",
        hint="Run the same payload with qrun by hand to see the whole message.",
        details={"exit_code": exit_code},
    )


def run_json(qrun: str, args: Sequence[str], env: Mapping[str, str], timeout: float = 120.0) -> Any:
    """Runs a short qrun command whose stdout is one JSON document (``qrun --json backends``)."""
    try:
        done = subprocess.run([qrun, "--json", *args], env=dict(env), capture_output=True, text=True, timeout=timeout)
    except OSError as error:
        raise QrunError("TOOL_FAILED", f"cannot run {qrun}: {error}", hint="Check QRUN_BIN or the qrun on PATH.") from error
    except subprocess.TimeoutExpired as error:
        raise QrunError("TOOL_FAILED", f"{qrun} {' '.join(args)} did not finish within {timeout:.0f} s") from error
    if done.returncode != 0:
        raise error_from_stderr(done.stderr, done.returncode)
    try:
        return json.loads(done.stdout)
    except ValueError as error:
        raise QrunError("TOOL_FAILED", f"qrun {' '.join(args)} printed no JSON: {done.stdout[-500:]!r}") from error


class LocalRun:
    """One qrun process: started now, polled by the job, its output read once."""

    def __init__(self, qrun: str, command: str, payload: Dict[str, Any], flags: List[str], env: Mapping[str, str]) -> None:
        self._dir = tempfile.mkdtemp(prefix="slurm-qpu-")
        # The directory goes away with this object even when nobody reads the result.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._dir, True)
        payload_path = os.path.join(self._dir, "payload.json")
        self._output = os.path.join(self._dir, "result.json")
        with open(payload_path, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, allow_nan=False)
        self._stderr = open(os.path.join(self._dir, "stderr"), "w+", encoding="utf-8")
        self._cancelled = False
        try:
            self._process = subprocess.Popen(
                [qrun, "--json", command, payload_path, self._output, *flags],
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=self._stderr,
                # Its own process group, so cancel() also stops whatever the qrun wrapper started.
                start_new_session=True,
            )
        except OSError as error:
            self._stderr.close()
            self._cleanup()
            raise QrunError("TOOL_FAILED", f"cannot run {qrun}: {error}", hint="Check QRUN_BIN or the qrun on PATH.") from error

    def state(self) -> str:
        """``Running``, ``Completed``, ``Failed`` or ``Cancelled`` (the gateway's names)."""
        code = self._process.poll()
        if code is None:
            return "Running"
        if self._cancelled:
            return "Cancelled"
        return "Completed" if code == 0 else "Failed"

    def cancel(self) -> bool:
        if self._process.poll() is not None:
            return False
        self._cancelled = True
        try:
            os.killpg(self._process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self._process.wait()
        return True

    def wait(self, timeout: Optional[float] = None) -> Any:
        """The plain JSON result; raises the run's QrunError when it failed or was cancelled."""
        code = self._process.wait(timeout=timeout)
        try:
            if self._cancelled:
                raise QrunError("TASK_CANCELLED", "the run was cancelled", hint="Submit it again to get a result.")
            if code != 0:
                self._stderr.seek(0)
                raise error_from_stderr(self._stderr.read(), code)
            with open(self._output, encoding="utf-8") as handle:
                return json.load(handle)
        finally:
            self._stderr.close()
            self._cleanup()
