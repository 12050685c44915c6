"""slurm-qpu for Qiskit: ``SamplerV2`` and ``EstimatorV2`` on the QPU a Slurm job was granted (through
the job's gateway), or on the built-in simulator through ``qrun`` outside a QPU job."""
from .errors import EXIT_INTERRUPTED, QrunError, TaskInterrupted
from .job import QrunJob
from .primitives import EstimatorV2, SamplerV2
from .target import BackendTarget

__version__ = "0.1.0"

__all__ = ["EstimatorV2", "SamplerV2", "QrunError", "TaskInterrupted", "EXIT_INTERRUPTED", "QrunJob", "BackendTarget", "__version__"]
