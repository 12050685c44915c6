"""The granted backend as a Qiskit ``BackendV2``, for tools that want a backend object (transpilation,
``backend.num_qubits``). Circuits run through :class:`SamplerV2`/:class:`EstimatorV2`, not ``run()``."""
from __future__ import annotations

from typing import Any, Optional

from qiskit.providers import BackendV2, Options

from .errors import QrunError
from .target import BackendTarget


class QrunBackend(BackendV2):
    def __init__(self, name: str, target: BackendTarget) -> None:
        super().__init__(name=name, description=target.description)
        self._target = target

    @property
    def target(self) -> BackendTarget:
        return self._target

    @property
    def max_circuits(self) -> Optional[int]:
        return self._target.max_experiments

    @property
    def max_shots(self) -> Optional[int]:
        return self._target.max_shots

    @classmethod
    def _default_options(cls) -> Options:
        return Options()

    def run(self, run_input: Any, **options: Any):
        raise QrunError(
            "NOT_IMPLEMENTED",
            "a slurm-qpu backend runs circuits through the primitives, not backend.run()",
            hint="Use slurm_qpu.SamplerV2(backend=NAME).run([circuit]) instead.",
        )
