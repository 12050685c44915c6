"""Drives the iqm-server fake with IQM's own clients (iqm-client 36 and its Qiskit adapter).

Usage: iqm_client_bell.py URL TOKEN QC. Prints one JSON object: what each client saw.
"""

import json
import sys
import warnings

from iqm.iqm_client import IQMClient
from iqm.pulse import Circuit, CircuitOperation

warnings.simplefilter("ignore")
url, token, qc = sys.argv[1:4]
out = {}

client = IQMClient.from_url(url, quantum_computer=qc, token=token)
out["health"] = client.get_health()
sqa = client.get_static_quantum_architecture()
out["qubits"] = list(sqa.qubits)
bell = Circuit(
    name="bell",
    instructions=(
        CircuitOperation(name="prx", locus=("QB1",), args={"angle": 1.5707963267948966, "phase": 1.5707963267948966}),
        CircuitOperation(name="prx", locus=("QB2",), args={"angle": 1.5707963267948966, "phase": 1.5707963267948966}),
        CircuitOperation(name="cz", locus=("QB1", "QB2"), args={}),
        CircuitOperation(name="prx", locus=("QB2",), args={"angle": -1.5707963267948966, "phase": 1.5707963267948966}),
        CircuitOperation(name="measure", locus=("QB1", "QB2"), args={"key": "m"}),
    ),
)
tracker = client.submit_circuits([bell], shots=200)
status = tracker.wait_for_completion(timeout_secs=60, polling_interval=0.05)
out["status"] = str(status)
counts = tracker.result_counts()[0]
out["counts"] = {"keys": counts.measurement_keys, "counts": counts.counts}
measured = tracker.result()[0]["m"]
out["agree"] = sum(1 for shot in measured if shot[0] == shot[1])

slow = client.submit_circuits([bell], shots=10)
slow.cancel()
slow.update()
out["cancelled"] = str(slow.status)

from iqm.qiskit_iqm import IQMProvider  # noqa: E402
from qiskit import QuantumCircuit, transpile  # noqa: E402

backend = IQMProvider(url, quantum_computer=qc, token=token).get_backend()
circuit = QuantumCircuit(2, 2)
circuit.h(0)
circuit.cx(0, 1)
circuit.measure([0, 1], [0, 1])
job = backend.run(transpile(circuit, backend, optimization_level=0), shots=300)
out["qiskit_counts"] = job.result().get_counts()
print(json.dumps(out))
