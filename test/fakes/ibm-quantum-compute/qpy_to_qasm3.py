"""Reads a JSON list of QPY circuits as qiskit-ibm-runtime sends them (base64 of zlib of QPY) on
stdin and writes a JSON list of {"qasm": ...} or {"error": ...} on stdout, one per circuit."""
import base64
import io
import json
import sys
import zlib

from qiskit import qasm3, qpy


def convert(encoded: str) -> dict:
    try:
        raw = base64.b64decode(encoded)
        try:
            raw = zlib.decompress(raw)
        except zlib.error:
            pass  # the encoder may send it uncompressed
        circuits = qpy.load(io.BytesIO(raw))
        if len(circuits) != 1:
            return {"error": f"expected one circuit in the QPY payload, found {len(circuits)}"}
        return {"qasm": qasm3.dumps(circuits[0])}
    except Exception as ex:  # the fake reports it as IBM would: a 400 on submission
        return {"error": f"{type(ex).__name__}: {ex}"}


json.dump([convert(item) for item in json.load(sys.stdin)], sys.stdout)
