"""The plain JSON result (IBM's result schemas: per register ``{samples: ["0x3", ...], num_bits}``,
estimator ``evs``/``stds``/``ensemble_standard_error`` nested along the PUB shape) → Qiskit's own
result objects: ``PrimitiveResult`` of ``SamplerPubResult``/``PubResult`` with ``BitArray`` s and
arrays in each PUB's broadcast shape.

The plain format is read rather than the Qiskit-encoded one because it needs only qiskit (the
encoded one is decoded by qiskit-ibm-runtime's RuntimeDecoder, not a dependency), and because it is
exactly what ``qrun`` writes outside a job, so one decoder serves both places a program runs.
"""
from __future__ import annotations

from typing import Any, Dict, List, Sequence, Tuple

import numpy as np
from qiskit.primitives import BitArray, DataBin, PrimitiveResult, PubResult

try:
    from qiskit.primitives import SamplerPubResult
except ImportError:  # qiskit < 1.1 had no separate sampler result class
    SamplerPubResult = PubResult  # type: ignore[misc,assignment]

from .errors import QrunError

Shape = Tuple[int, ...]


def _unreadable(what: str) -> QrunError:
    return QrunError(
        "BACKEND_FAILED",
        f"the result cannot be read: {what}",
        hint="The client and the gateway (or qrun) come from different versions of slurm-qpu; ask your admin.",
    )


def _flatten(nested: Any, out: List[Any]) -> None:
    if isinstance(nested, list):
        for item in nested:
            _flatten(item, out)
    else:
        out.append(nested)


def _register_bytes(hex_samples: Sequence[str], num_bits: int) -> np.ndarray:
    """Each shot's value as ceil(num_bits/8) big-endian bytes: the layout of BitArray.array."""
    width = (num_bits + 7) // 8
    try:
        values = [int(sample, 16) for sample in hex_samples]
    except (TypeError, ValueError) as error:
        raise _unreadable(f"a sample is not a hex string ({error})") from error
    if width == 0:
        return np.zeros((len(values), 0), dtype=np.uint8)
    if width <= 8:
        # One vectorised conversion: 8 big-endian bytes per value, keep the low `width` of them.
        wide = np.array(values, dtype=np.uint64).astype(">u8").view(np.uint8).reshape(-1, 8)
        return np.ascontiguousarray(wide[:, 8 - width:])
    return np.frombuffer(b"".join(v.to_bytes(width, "big") for v in values), dtype=np.uint8).reshape(-1, width)


def _bit_array(register: Any, shape: Shape) -> BitArray:
    if not isinstance(register, dict) or not isinstance(register.get("num_bits"), int):
        raise _unreadable("a register has no num_bits")
    samples: List[Any] = []
    _flatten(register.get("samples"), samples)
    elements = int(np.prod(shape, dtype=np.int64)) if shape else 1
    if elements == 0 or len(samples) % elements != 0:
        raise _unreadable(f"{len(samples)} samples do not fill a PUB of shape {shape}")
    shots = len(samples) // elements
    data = _register_bytes(samples, register["num_bits"]).reshape(*shape, shots, (register["num_bits"] + 7) // 8)
    return BitArray(data, register["num_bits"])


def sampler_result(plain: Any, shapes: Sequence[Shape], registers: Sequence[Sequence[str]]) -> PrimitiveResult:
    """``registers[i]``: PUB i's register names as the circuit has them, matched to the result by position
    (the OpenQASM exporter may have renamed them)."""
    results = plain.get("results") if isinstance(plain, dict) else None
    if not isinstance(results, list) or len(results) != len(shapes):
        raise _unreadable(f"expected {len(shapes)} PUB results")
    pubs = []
    for result, shape, names in zip(results, shapes, registers):
        data = result.get("data") if isinstance(result, dict) else None
        if not isinstance(data, dict):
            raise _unreadable("a PUB result has no data")
        received = list(data.values())
        if len(received) != len(names):
            raise _unreadable(f"the circuit has {len(names)} classical registers, the result {len(received)}")
        fields: Dict[str, Any] = {name: _bit_array(register, tuple(shape)) for name, register in zip(names, received)}
        pubs.append(SamplerPubResult(DataBin(**fields, shape=tuple(shape)), metadata=dict(result.get("metadata") or {})))
    return PrimitiveResult(pubs, metadata=dict(plain.get("metadata") or {}))


def _array(value: Any, shape: Shape, name: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
        return array.reshape(shape)
    except (TypeError, ValueError) as error:
        raise _unreadable(f"{name} does not have the PUB's shape {shape} ({error})") from error


def estimator_result(plain: Any, shapes: Sequence[Shape]) -> PrimitiveResult:
    results = plain.get("results") if isinstance(plain, dict) else None
    if not isinstance(results, list) or len(results) != len(shapes):
        raise _unreadable(f"expected {len(shapes)} PUB results")
    pubs = []
    for result, shape in zip(results, shapes):
        data = result.get("data") if isinstance(result, dict) else None
        if not isinstance(data, dict) or "evs" not in data:
            raise _unreadable("a PUB result has no evs")
        fields = {name: _array(data[name], tuple(shape), name) for name in ("evs", "stds", "ensemble_standard_error") if name in data}
        pubs.append(PubResult(DataBin(**fields, shape=tuple(shape)), metadata=dict(result.get("metadata") or {})))
    return PrimitiveResult(pubs, metadata=dict(plain.get("metadata") or {}))
