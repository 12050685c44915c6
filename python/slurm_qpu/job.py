"""The job a primitive's ``run()`` returns: a gateway task inside a QPU job, a ``qrun`` process outside
one, behind Qiskit's ``BasePrimitiveJob`` interface. Statuses are Qiskit's ``JobStatus``; the gateway's
names (Queued, Running, Completed, Failed, Cancelled) are Qiskit Runtime's.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Optional

from qiskit.primitives import BasePrimitiveJob, PrimitiveResult
from qiskit.providers import JobStatus

from .errors import QrunError
from .gateway import GatewayClient
from .qrun_cli import LocalRun

_STATUS = {
    "Queued": JobStatus.QUEUED,
    "Running": JobStatus.RUNNING,
    "Completed": JobStatus.DONE,
    "Failed": JobStatus.ERROR,
    "Cancelled": JobStatus.CANCELLED,
}
_FINAL = (JobStatus.DONE, JobStatus.ERROR, JobStatus.CANCELLED)


class _GatewayTask:
    def __init__(self, gateway: GatewayClient, task_id: str) -> None:
        self.gateway = gateway
        self.task_id = task_id

    def state(self) -> str:
        return str(self.gateway.status(self.task_id).get("status"))

    def cancel(self) -> bool:
        # A running task stops at its next circuit boundary, so "Running" here still means "cancelling".
        return self.gateway.cancel(self.task_id).get("status") not in ("Completed", "Failed")

    def wait(self) -> Any:
        while True:
            try:
                return self.gateway.result(self.task_id)
            except QrunError as error:
                if error.code != "TASK_NOT_DONE":
                    raise


class _LocalTask:
    def __init__(self, run: LocalRun) -> None:
        self.run = run

    def state(self) -> str:
        return self.run.state()

    def cancel(self) -> bool:
        return self.run.cancel()

    def wait(self) -> Any:
        return self.run.wait()


class QrunJob(BasePrimitiveJob[PrimitiveResult, JobStatus]):
    """``job_id()``, ``status()``, ``result()`` (waits; raises :class:`QrunError` for a failed or
    cancelled run), ``cancel()``, ``done()``, ``running()``, ``cancelled()``, ``in_final_state()``."""

    def __init__(self, job_id: str, task: Any, decode: Callable[[Any], PrimitiveResult], backend: str) -> None:
        super().__init__(job_id)
        self._task = task
        self._decode = decode
        self._backend = backend
        self._lock = threading.Lock()
        self._result: Optional[PrimitiveResult] = None
        self._error: Optional[QrunError] = None
        self._final: Optional[JobStatus] = None

    @classmethod
    def on_gateway(cls, gateway: GatewayClient, task_id: str, decode: Callable[[Any], PrimitiveResult], backend: str) -> "QrunJob":
        return cls(task_id, _GatewayTask(gateway, task_id), decode, backend)

    @classmethod
    def on_qrun(cls, job_id: str, run: LocalRun, decode: Callable[[Any], PrimitiveResult], backend: str) -> "QrunJob":
        return cls(job_id, _LocalTask(run), decode, backend)

    def backend_name(self) -> str:
        """The backend the job runs on (one of QRUN_BACKENDS, or ``sim``)."""
        return self._backend

    def result(self) -> PrimitiveResult:
        with self._lock:
            if self._result is None and self._error is None:
                try:
                    self._result = self._decode(self._task.wait())
                    self._final = JobStatus.DONE
                except QrunError as error:
                    self._error = error
                    self._final = JobStatus.CANCELLED if error.code == "TASK_CANCELLED" else JobStatus.ERROR
            if self._error is not None:
                raise self._error
            assert self._result is not None
            return self._result

    def status(self) -> JobStatus:
        if self._final is not None:
            return self._final
        state = self._task.state()
        status = _STATUS.get(state)
        if status is None:
            raise QrunError("BACKEND_FAILED", f"the task reports an unknown status {state!r}")
        return status

    def done(self) -> bool:
        return self.status() == JobStatus.DONE

    def running(self) -> bool:
        return self.status() == JobStatus.RUNNING

    def cancelled(self) -> bool:
        return self.status() == JobStatus.CANCELLED

    def in_final_state(self) -> bool:
        return self.status() in _FINAL

    def cancel(self) -> bool:
        """Cancels a queued task at once and a running one at its next circuit boundary; False when it had ended."""
        if self._final is not None:
            return False
        return bool(self._task.cancel())

    def __repr__(self) -> str:
        return f"<QrunJob {self.job_id()} on {self._backend}>"
