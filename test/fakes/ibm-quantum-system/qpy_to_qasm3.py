"""Reads a JSON list of RuntimeEncoder circuit envelopes on stdin, writes a JSON list of OpenQASM 3 strings.

The fake runs circuits on the project's OpenQASM front end; clients built on qiskit-ibm-runtime send
QPY. This is the one place the fake needs Python, so tests that send OpenQASM never start it.
"""

import json
import sys

from qiskit import qasm3
from qiskit_ibm_runtime.json import RuntimeDecoder


def main() -> None:
    envelopes = json.load(sys.stdin)
    out = []
    for envelope in envelopes:
        circuit = json.loads(json.dumps(envelope), cls=RuntimeDecoder)
        out.append(qasm3.dumps(circuit))
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
