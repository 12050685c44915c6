"""A long-lived converter for the fake: each stdin line is a JSON list of QPY circuits as
qiskit-ibm-runtime sends them (base64 of zlib of QPY); each stdout line answers it with a JSON list
of {"qasm": ...} or {"error": ...}, one per circuit. Importing qiskit takes seconds, so the fake
starts this once and keeps it."""
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
    except Exception as ex:  # reported back; the fake answers the submission with a 400
        return {"error": f"{type(ex).__name__}: {ex}"}


for line in sys.stdin:
    if line.strip():
        sys.stdout.write(json.dumps([convert(item) for item in json.loads(line)]) + "\n")
        sys.stdout.flush()
