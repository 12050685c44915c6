"""Qiskit PUBs → the Sampler/Estimator V2 params the gateway and ``qrun`` read (docs/user-guide.md).

Circuits travel as OpenQASM 3 from ``qiskit.qasm3.dumps``. Its ``input float[64]`` declarations come
in the order of ``circuit.parameters``, but not always under the same names: the exporter rewrites
names that are not OpenQASM identifiers (``θ[0]`` → ``_θ_0_``) or that clash with gates (``z`` →
``z_0``). Values are therefore sent by the names the text declares — one BindingsArray-style key,
the JSON list of those names, whose value's last axis follows them — so they bind the right
parameters whatever the exporter calls them and whatever order the gateway binds positional values
in (docs/adr/0004-parameter-order.md).
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Dict, List, Optional

from qiskit import qasm3
from qiskit.circuit import QuantumCircuit

from .errors import QrunError

_INPUT = re.compile(r"^\s*input\s+float\[64\]\s+([^\s;]+)\s*;", re.MULTILINE)


def declared_inputs(text: str) -> List[str]:
    """The ``input float[64]`` names of an OpenQASM 3 text, in declaration order."""
    return _INPUT.findall(text)


def circuit_qasm(circuit: QuantumCircuit) -> str:
    try:
        text = qasm3.dumps(circuit)
    except Exception as error:  # the exporter raises several unrelated types
        raise QrunError(
            "CIRCUIT_UNSUPPORTED",
            f"circuit {circuit.name!r} cannot be written as OpenQASM 3: {error}",
            hint="Transpile it first (generate_preset_pass_manager(target=sampler.target())), which leaves only gates OpenQASM 3 can express.",
        ) from error
    declared = declared_inputs(text)
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


def parameter_values(pub: Any, qasm: str) -> Optional[Dict[str, list]]:
    """The PUB's BindingsArray keyed by the names ``qasm`` declares (in ``circuit.parameters`` order,
    which is the order ``qasm3.dumps`` writes them); None without parameters."""
    circuit = pub.circuit
    if circuit.num_parameters == 0:
        return None
    array = pub.parameter_values.as_array(circuit.parameters)
    return {json.dumps(declared_inputs(qasm), ensure_ascii=False): array.tolist()}


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
    qasm = circuit_qasm(pub.circuit)
    return [qasm, parameter_values(pub, qasm), pub.shots]


def estimator_pub_json(pub: Any) -> list:
    qasm = circuit_qasm(pub.circuit)
    return [qasm, observables_json(pub.observables), parameter_values(pub, qasm), pub.precision]
