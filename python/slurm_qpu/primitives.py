"""``SamplerV2`` and ``EstimatorV2``: Qiskit's V2 primitive interfaces on the backend a Slurm job was
granted, or on the built-in simulator outside a QPU job (see :mod:`slurm_qpu.placement`).

``run()`` checks and sends the PUBs at once — a gateway refuses a malformed payload or a circuit that
does not fit the backend before any QPU time is spent, and that refusal is raised from ``run()`` —
and returns a :class:`~slurm_qpu.job.QrunJob` whose ``result()`` waits for the rest.
"""
from __future__ import annotations

import copy
import json
import uuid
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from qiskit.primitives import BaseEstimatorV2, BaseSamplerV2
from qiskit.primitives.containers.estimator_pub import EstimatorPub
from qiskit.primitives.containers.sampler_pub import SamplerPub

from . import decode, encode
from .backend import QrunBackend
from .errors import QrunError
from .job import QrunJob
from .placement import Placement, place
from .qrun_cli import LocalRun, find_qrun, run_json
from .target import BackendTarget, build_target


def _check_positive_int(name: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        raise QrunError("OPTION_INVALID", f"{name} must be a positive integer, got {value!r}")


def _check_positive(name: str, value: Any) -> None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0):
        raise QrunError("OPTION_INVALID", f"{name} must be a positive number, got {value!r}")


def _check_mitigation(mitigation: Optional[Sequence[str]]) -> Optional[List[str]]:
    if mitigation is None:
        return None
    if isinstance(mitigation, str) or not all(isinstance(step, str) and step for step in mitigation):
        raise QrunError(
            "OPTION_INVALID",
            f"mitigation must be a list of step names, got {mitigation!r}",
            hint='For example mitigation=["readout"] or ["zne", "readout"]; `qrun plugins` lists the steps.',
        )
    return list(mitigation)


def _check_seed(seed: Any) -> None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed <= 2**32 - 1):
        raise QrunError("OPTION_INVALID", f"seed must be an integer from 0 to 2^32-1, got {seed!r}")


class _Primitive:
    """What both primitives share: where they run, the run options, submitting, and the backend's metadata."""

    _program: str = ""
    _command: str = ""

    def __init__(
        self,
        backend: Optional[str],
        seed: Optional[int],
        mitigation: Optional[Sequence[str]],
        options: Optional[Mapping[str, Any]],
        env: Optional[Mapping[str, str]],
    ) -> None:
        _check_seed(seed)
        self._placement: Placement = place(backend, env)
        self.seed = seed
        self.mitigation = _check_mitigation(mitigation)
        #: The V2 ``options`` sent with every run (IBM's names: ``default_shots``, ``resilience``, ``twirling``,
        #: ``dynamical_decoupling``, ``simulator``...); change it between runs as with Qiskit Runtime.
        self.options: Dict[str, Any] = copy.deepcopy(dict(options or {}))
        self._target: Optional[BackendTarget] = None

    @property
    def backend_name(self) -> str:
        return self._placement.backend

    def _backend_info(self) -> Dict[str, Any]:
        gateway = self._placement.gateway
        if gateway is not None:
            listing = gateway.backends()
        else:
            listing = run_json(find_qrun(self._placement.env), ["backends"], self._placement.env)
        for entry in listing.get("backends", []):
            if entry.get("name") == self.backend_name:
                return entry
        raise QrunError("BACKEND_NOT_GRANTED", f"backend {self.backend_name!r} is not among the backends served here")

    def target(self) -> BackendTarget:
        """The backend's metadata as a Qiskit Target (also ``.max_shots``, ``.max_experiments``, ``.metadata``)."""
        if self._target is None:
            info = self._backend_info()
            self._target = build_target(self.backend_name, info.get("metadata") or {})
        return self._target

    def backend(self):
        """The backend as a Qiskit BackendV2 (``.target``, ``.name``, ``.num_qubits``, ``.max_shots``);
        run circuits through the primitives, not its ``run()``."""
        return QrunBackend(self.backend_name, self.target())

    def _params_options(self, defaults: Dict[str, Any]) -> Dict[str, Any]:
        options = copy.deepcopy(self.options)
        options.pop("resilience_level", None)
        for key, value in defaults.items():
            if value is not None:
                options[key] = value
        return options

    def _submit(self, params: Dict[str, Any], decode_result) -> QrunJob:
        try:
            json.dumps(params, allow_nan=False)
        except (TypeError, ValueError) as error:
            raise QrunError("OPTION_INVALID", f"the run's options cannot be sent as JSON: {error}",
                            hint="Options are plain values (numbers, strings, lists, dicts), as in Qiskit Runtime's options.") from error
        gateway = self._placement.gateway
        if gateway is not None:
            task_options: Dict[str, Any] = {}
            if self.seed is not None:
                task_options["seed"] = self.seed
            if self.mitigation is not None:
                task_options["mitigation"] = self.mitigation
            body: Dict[str, Any] = {"program_id": self._program, "backend": self.backend_name, "params": params}
            if task_options:
                body["options"] = task_options
            view = gateway.submit(body)
            return QrunJob.on_gateway(gateway, str(view["id"]), decode_result, self.backend_name)
        flags = ["--backend", self.backend_name]
        if self.seed is not None:
            flags += ["--seed", str(self.seed)]
        if self.mitigation is not None:
            flags += ["--mitigation", ",".join(self.mitigation)]
        qrun = find_qrun(self._placement.env)
        run = LocalRun(qrun, self._command, params, flags, self._placement.env)
        return QrunJob.on_qrun(f"local-{uuid.uuid4().hex}", run, decode_result, self.backend_name)


class SamplerV2(_Primitive, BaseSamplerV2):
    """Qiskit's SamplerV2 on the job's backend::

        job = SamplerV2(default_shots=1000).run([circuit])
        counts = job.result()[0].data.meas.get_counts()

    ``backend``: one of the job's granted backends (QRUN_BACKENDS); default the first, ``sim`` outside a
    job. ``default_shots``: for PUBs and runs that give none (the backend's default is 1024).
    ``seed``: simulator seed. ``mitigation``: mitigation steps by name, in order (as ``qrun --mitigation``).
    ``options``: the V2 options dict. ``env``: where to read QRUN_*; default ``os.environ``.
    """

    _program = "sampler"
    _command = "sample"

    def __init__(
        self,
        backend: Optional[str] = None,
        *,
        default_shots: Optional[int] = None,
        seed: Optional[int] = None,
        mitigation: Optional[Sequence[str]] = None,
        options: Optional[Mapping[str, Any]] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        _check_positive_int("default_shots", default_shots)
        super().__init__(backend, seed, mitigation, options, env)
        self.default_shots = default_shots

    def run(self, pubs: Iterable[Any], *, shots: Optional[int] = None) -> QrunJob:
        _check_positive_int("shots", shots)
        try:
            coerced = [SamplerPub.coerce(pub, shots) for pub in pubs]
            for pub in coerced:
                pub.validate()
        except (TypeError, ValueError) as error:
            raise QrunError("PAYLOAD_INVALID", f"a sampler PUB is invalid: {error}",
                            hint="A PUB is a circuit, or (circuit, parameter values, shots).") from error
        params: Dict[str, Any] = {
            "pubs": [encode.sampler_pub_json(pub) for pub in coerced],
            "version": 2,
            "options": self._params_options({"default_shots": self.default_shots}),
        }
        shapes = [tuple(pub.shape) for pub in coerced]
        registers = [encode.register_names(pub.circuit) for pub in coerced]
        return self._submit(params, lambda plain: decode.sampler_result(plain, shapes, registers))


class EstimatorV2(_Primitive, BaseEstimatorV2):
    """Qiskit's EstimatorV2 on the job's backend::

        job = EstimatorV2().run([(circuit, "ZZ")])
        ev = job.result()[0].data.evs

    ``default_precision``: for PUBs and runs that give none (the backend's default is 1/64).
    ``resilience_level``: IBM's 0, 1 or 2 (readout mitigation; and ZNE), also read from ``options``.
    The rest as for :class:`SamplerV2`.
    """

    _program = "estimator"
    _command = "estimate"

    def __init__(
        self,
        backend: Optional[str] = None,
        *,
        default_precision: Optional[float] = None,
        resilience_level: Optional[int] = None,
        seed: Optional[int] = None,
        mitigation: Optional[Sequence[str]] = None,
        options: Optional[Mapping[str, Any]] = None,
        env: Optional[Mapping[str, str]] = None,
    ) -> None:
        _check_positive("default_precision", default_precision)
        if resilience_level is not None and resilience_level not in (0, 1, 2):
            raise QrunError("OPTION_INVALID", f"resilience_level must be 0, 1 or 2, got {resilience_level!r}")
        super().__init__(backend, seed, mitigation, options, env)
        self.default_precision = default_precision
        self.resilience_level = resilience_level if resilience_level is not None else self.options.get("resilience_level")

    def run(self, pubs: Iterable[Any], *, precision: Optional[float] = None) -> QrunJob:
        _check_positive("precision", precision)
        try:
            coerced = [EstimatorPub.coerce(pub, precision) for pub in pubs]
            for pub in coerced:
                pub.validate()
        except (TypeError, ValueError) as error:
            raise QrunError("PAYLOAD_INVALID", f"an estimator PUB is invalid: {error}",
                            hint="A PUB is (circuit, observables), (circuit, observables, parameter values) or with a precision after those.") from error
        params: Dict[str, Any] = {
            "pubs": [encode.estimator_pub_json(pub) for pub in coerced],
            "version": 2,
            "options": self._params_options({"default_precision": self.default_precision}),
        }
        if self.resilience_level is not None:
            params["resilience_level"] = self.resilience_level
        shapes = [tuple(pub.shape) for pub in coerced]
        return self._submit(params, lambda plain: decode.estimator_result(plain, shapes))
