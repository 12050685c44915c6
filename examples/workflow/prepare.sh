#!/bin/bash
# Pre-processing step: writes a GHZ payload on $1 qubits (default 3) for the quantum step.
set -euo pipefail
n=${1:-3}
gates="h q[0];"
for ((i = 1; i < n; i++)); do gates+=" cx q[$((i - 1))], q[$i];"; done
cat > "$QRUN_WORKFLOW_DIR/payload.json" <<JSON
{"pubs": [["OPENQASM 3.0; include \"stdgates.inc\"; qubit[$n] q; bit[$n] c; $gates c = measure q;", null, 2000]], "version": 2}
JSON
echo "prepared a $n-qubit GHZ payload"
