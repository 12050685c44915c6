"""Reads the project's support_qiskit output with qiskit_ibm_runtime's RuntimeDecoder.

Run by runtime-decoder.test.ts: argv[1] is a JSON file holding a list of encoded results; prints,
per result, what a Qiskit user would read from the decoded PrimitiveResult.
"""
import json
import sys

import numpy as np
from qiskit.primitives import PrimitiveResult, PubResult
from qiskit.primitives.containers import BitArray, SamplerPubResult
from qiskit_ibm_runtime import RuntimeDecoder


def describe_pub(pub):
    data = pub.data
    entry = {"type": type(pub).__name__, "shape": list(data.shape), "fields": list(data.keys()), "metadata": pub.metadata}
    if isinstance(pub, SamplerPubResult):
        registers = {}
        for name in data.keys():
            bits = data[name]
            assert isinstance(bits, BitArray), type(bits)
            registers[name] = {
                "num_bits": bits.num_bits,
                "num_shots": bits.num_shots,
                "shape": list(bits.shape),
                "counts": bits.get_counts(),
                "bitstrings": bits.get_bitstrings(),
                # Each shot's bytes as Qiskit holds them (big-endian), read as one integer.
                "ints": [int.from_bytes(bytes(row), "big") for row in np.asarray(bits.array).reshape(-1, bits.array.shape[-1])],
            }
        entry["registers"] = registers
        joined = pub.join_data()
        entry["joined_counts"] = joined.get_counts()
    else:
        entry["arrays"] = {name: {"shape": list(np.asarray(data[name]).shape), "values": np.asarray(data[name], dtype=float).reshape(-1).tolist()} for name in data.keys()}
    return entry


with open(sys.argv[1], encoding="utf8") as handle:
    encoded = json.load(handle)
out = []
for item in encoded:
    result = json.loads(json.dumps(item), cls=RuntimeDecoder)
    assert isinstance(result, PrimitiveResult), type(result)
    out.append({"metadata": result.metadata, "pubs": [describe_pub(p) for p in result]})
json.dump(out, sys.stdout)
