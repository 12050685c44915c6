"""Where a primitive runs, decided the way ``qrun`` decides it (src/primitives/select-backend.ts):

- ``QRUN_ENDPOINT`` unset or ``local:`` → the ``qrun`` command (the built-in simulator);
- ``QRUN_ENDPOINT`` ``unix:PATH`` or ``http://127.0.0.1:PORT`` → the job's gateway, with ``QRUN_TOKEN``.

``backend=`` picks among the granted backends (``QRUN_BACKENDS``, comma-separated, the first is the
default); outside a job only ``sim`` exists.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import List, Mapping, Optional

from .errors import QrunError
from .gateway import GatewayClient

SIM_BACKEND = "sim"


@dataclass(frozen=True)
class Placement:
    backend: str
    #: The job's gateway; None when the run goes through qrun.
    gateway: Optional[GatewayClient]
    env: Mapping[str, str]


def _granted(env: Mapping[str, str]) -> Optional[List[str]]:
    raw = env.get("QRUN_BACKENDS", "")
    if raw.strip() == "":
        return None
    return [name.strip() for name in raw.split(",") if name.strip() != ""]


def _pick(requested: Optional[str], grants: Optional[List[str]]) -> str:
    if grants is None:
        if requested is None or requested == SIM_BACKEND:
            return SIM_BACKEND
        raise QrunError(
            "BACKEND_UNKNOWN",
            f"backend {requested!r} is not available outside a QPU job; only the built-in simulator {SIM_BACKEND!r} is",
            hint="Request the QPU in your job (#SBATCH --q_backend=NAME) and run the program inside it, or drop backend=.",
            details={"backend": requested, "available": [SIM_BACKEND]},
        )
    chosen = requested if requested is not None else (grants[0] if grants else None)
    if chosen is None:
        raise QrunError("BACKEND_NOT_GRANTED", "the job was granted no backend (QRUN_BACKENDS is empty)")
    if chosen not in grants:
        raise QrunError(
            "BACKEND_NOT_GRANTED",
            f"backend {chosen!r} was not granted to this job (granted: {', '.join(grants)})",
            hint="Pick one of the granted backends with backend=, or request this one with #SBATCH --q_backend.",
            details={"backend": chosen, "granted": grants},
        )
    return chosen


def place(backend: Optional[str] = None, env: Optional[Mapping[str, str]] = None) -> Placement:
    env = dict(os.environ if env is None else env)
    endpoint = env.get("QRUN_ENDPOINT", "")
    grants = None if endpoint == "" else _granted(env)
    name = _pick(backend, grants)
    if endpoint in ("", "local:"):
        return Placement(name, None, env)
    token = env.get("QRUN_TOKEN", "")
    if token == "":
        raise QrunError(
            "AUTH_FAILED",
            f"QRUN_ENDPOINT is set ({endpoint}) but QRUN_TOKEN is not",
            hint="Both are set by the QPU job hook in every task of the job; run the program inside the job step.",
            details={"endpoint": endpoint},
        )
    return Placement(name, GatewayClient(endpoint, token), env)
