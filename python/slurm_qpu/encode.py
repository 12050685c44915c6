"""Qiskit PUBs → the Sampler/Estimator V2 params the gateway and ``qrun`` read (docs/user-guide.md).

Circuits travel as OpenQASM 3 from ``qiskit.qasm3.dumps``. Its ``input float[64]`` declarations come
in the order of ``circuit.parameters``, but not always under the same names: the exporter rewrites
names that are not OpenQASM identifiers (``θ[0]`` → ``_θ_0_``) or that clash with gates (``z`` →
``z_0``). Values are therefore sent positionally, parameter column k binding the k-th declaration —
the gateway's rule — which holds whatever the exporter calls them.
"""
from __future__ import annotations

import math
import re
from typing import Any, Dict, List, Optional

from qiskit import qasm3
from qiskit.circuit import QuantumCircuit

from .errors import QrunError

_INPUT = re.compile(r"^\s*input\s+float\[64\]\s+([^\s;]+)\s*;", re.MULTILINE)


def circuit_qasm(circuit: QuantumCircuit) -> str:
    try:
        text = qasm3.dumps(circuit)
    except Exception as error:  # the exporter raises several unrelated types
        raise QrunError(
            "CIRCUIT_UNSUPPORTED",
            f"circuit {circuit.name!r} cannot be written as OpenQASM 3: {error}",
            hint="Transpile it first (generate_preset_pass_manager(target=sampler.target())), which leaves only gates OpenQASM 3 can express.",
        ) from error
    declared = _INPUT.findall(text)
    if len(declared) != circuit.num_parameters:
        raise QrunError(
            "CIRCUIT_UNSUPPORTED",
            f"circuit {circuit.name!r} has {circuit.num_parameters} parameters but its OpenQASM 3 declares {len(declared)} inputs",
            hint="Bind the parameters that are not plain angles (circuit.assign_parameters) before running.",
        )
    return text


def register_names(circuit: QuantumCircuit) -> List[str]:
    """The circuit's classical registers in declaration order, as Qiskit names them (results are keyed so)."""
    return [register.name for register in circuit.cregs]


def parameter_rows(pub: Any) -> Optional[list]:
    """The PUB's BindingsArray as nested lists, last axis in ``circuit.parameters`` order; None without parameters."""
    circuit = pub.circuit
    if circuit.num_parameters == 0:
        return None
    array = pub.parameter_values.as_array(circuit.parameters)
    return array.tolist()


def _finite(value: float, where: str) -> float:
    number = float(value)
    if not math.isfinite(number):
        raise QrunError("PAYLOAD_INVALID", f"{where} is {number}, not a finite number")
    return number


def observables_json(observables: Any) -> Any:
    """An ObservablesArray as nested lists of ``{pauli_label: coefficient}`` (qubit 0 rightmost)."""

    def convert(item: Any) -> Any:
        if isinstance(item, list):
            return [convert(x) for x in item]
        out: Dict[str, float] = {}
        for label, coefficient in item.items():
            if isinstance(coefficient, complex):
                if coefficient.imag != 0:
                    raise QrunError("OBSERVABLE_INVALID", f"observable term {label} has a complex coefficient {coefficient}",
                                    hint="An observable must be Hermitian: give real coefficients.")
                coefficient = coefficient.real
            out[label] = out.get(label, 0.0) + _finite(coefficient, f"the coefficient of {label}")
        return out

    return convert(observables.tolist())


def sampler_pub_json(pub: Any) -> list:
    return [circuit_qasm(pub.circuit), parameter_rows(pub), pub.shots]


def estimator_pub_json(pub: Any) -> list:
    return [circuit_qasm(pub.circuit), observables_json(pub.observables), parameter_rows(pub), pub.precision]
