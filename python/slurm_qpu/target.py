"""A backend's metadata (the catalogue's fields, named as in IBM's backend configuration; see
src/backends/metadata.ts) → a Qiskit ``Target``, so the transpiler produces circuits the backend's
circuit-fit check accepts: ``generate_preset_pass_manager(optimization_level=1, target=sampler.target())``.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from qiskit.circuit import Delay, IfElseOp, Measure, Parameter, Reset
from qiskit.circuit.library import get_standard_gate_name_mapping
from qiskit.transpiler import InstructionProperties, Target

#: Gates every slurm-qpu backend without a basis list runs (STANDARD_GATES of src/circuit/ir.ts).
STANDARD_GATES = (
    "id", "x", "y", "z", "h", "s", "sdg", "t", "tdg", "sx", "sxdg", "rx", "ry", "rz", "p", "u1", "u2", "u3", "u",
    "cx", "cy", "cz", "ch", "swap", "iswap", "ecr", "cp", "crx", "cry", "crz", "cu", "rxx", "ryy", "rzz", "rzx",
    "ccx", "ccz", "cswap",
)
#: Not gates: every backend runs them whatever its basis (src/circuit/fit.ts).
_NON_GATES = ("measure", "reset", "delay", "barrier", "if_else")


class BackendTarget(Target):
    """A Target that also carries the backend's shot limit and raw metadata (kept through copies)."""

    max_shots: Optional[int]
    max_experiments: Optional[int]
    metadata: Dict[str, Any]

    # Target pickles (and deep-copies, as the transpiler does) through its own state, which knows
    # nothing of a subclass's attributes: wrap it with ours.
    def __getstate__(self):
        parent = getattr(super(), "__getstate__", None)
        base = parent() if parent is not None else dict(self.__dict__)
        ours = (self.__dict__.get("max_shots"), self.__dict__.get("max_experiments"), self.__dict__.get("metadata", {}))
        return {"slurm_qpu": ours, "target": base}

    def __setstate__(self, state):
        self.max_shots, self.max_experiments, self.metadata = state["slurm_qpu"]
        parent = getattr(super(), "__setstate__", None)
        if parent is not None:
            parent(state["target"])
        else:
            self.__dict__.update(state["target"])


def _properties(name: str, qubits: Iterable[Tuple[int, ...]], durations: Mapping[str, float]) -> Dict[Tuple[int, ...], Optional[InstructionProperties]]:
    duration = durations.get(name)
    return {q: (InstructionProperties(duration=duration) if duration is not None else None) for q in qubits}


def build_target(name: str, metadata: Mapping[str, Any]) -> BackendTarget:
    num_qubits = int(metadata["num_qubits"])
    dt = metadata.get("dt")
    target = BackendTarget(description=name, num_qubits=num_qubits, dt=dt)
    target.max_shots = metadata.get("max_shots")
    target.max_experiments = metadata.get("max_experiments")
    target.metadata = dict(metadata)

    mapping = get_standard_gate_name_mapping()
    durations: Mapping[str, float] = metadata.get("gate_durations") or {}
    basis: List[str] = list(metadata.get("basis_gates") or STANDARD_GATES)
    coupling = metadata.get("coupling_map")
    singles = [(q,) for q in range(num_qubits)]
    pairs = [tuple(pair) for pair in coupling] if coupling is not None else None

    for gate_name in basis:
        if gate_name in _NON_GATES or gate_name in target.operation_names:
            continue
        gate = mapping.get(gate_name)
        if gate is None:
            continue  # a vendor-specific name Qiskit has no gate for: the transpiler cannot target it anyway
        if gate.num_qubits == 1:
            target.add_instruction(gate, _properties(gate_name, singles, durations))
        elif gate.num_qubits == 2 and pairs is not None:
            target.add_instruction(gate, _properties(gate_name, pairs, durations))
        elif pairs is None:
            # All-to-all: a global instruction applies to every qubit tuple of its width.
            target.add_instruction(gate, None if gate_name not in durations else _properties(gate_name, _all_tuples(num_qubits, gate.num_qubits), durations))
        # A 3-qubit gate on a device with a coupling map is left to the transpiler to decompose.
    target.add_instruction(Measure(), _properties("measure", singles, durations))
    target.add_instruction(Reset(), _properties("reset", singles, durations))
    target.add_instruction(Delay(Parameter("t")), {q: None for q in singles})
    target.add_instruction(IfElseOp, name="if_else")
    return target


def _all_tuples(num_qubits: int, width: int) -> List[Tuple[int, ...]]:
    from itertools import permutations

    return list(permutations(range(num_qubits), width))
