"""Drives the fake with qrmi's own IBM Quantum System client: a Bell circuit through the Sampler.

Usage: python qrmi_bell.py BACKEND [qasm|qpy] [expect-failure]
The `<BACKEND>_QRMI_IBM_QS_*` environment must point at the fake. Prints one JSON object:
{task_id, statuses, counts, resource_status, target_keys, result_type} or, when the task is expected to
fail, {task_id, statuses, error}.
"""

import json
import sys
import time

from qiskit import QuantumCircuit, qasm3
from qiskit_ibm_runtime.json import RuntimeDecoder, RuntimeEncoder
from qrmi import Payload, QuantumResource, ResourceType, TaskStatus


def bell() -> QuantumCircuit:
    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    circuit.measure_all()
    return circuit


def main() -> None:
    backend = sys.argv[1]
    form = sys.argv[2] if len(sys.argv) > 2 else "qasm"
    circuit = bell() if form == "qpy" else qasm3.dumps(bell())
    params = {"pubs": [[circuit, None, 1000]], "version": 2, "support_qiskit": True, "options": {}}

    qrmi = QuantumResource(backend, ResourceType.IBMQuantumSystem)
    resource_status = qrmi.status().to_dict()
    target = json.loads(qrmi.target().value)
    acquisition = qrmi.acquire()
    task_id = qrmi.task_start(Payload.QiskitPrimitive(input=json.dumps(params, cls=RuntimeEncoder), program_id="sampler"))
    statuses = []
    deadline = time.time() + 60
    while True:
        status = qrmi.task_status(task_id)
        statuses.append(str(status))
        if status not in (TaskStatus.Queued, TaskStatus.Running) or time.time() > deadline:
            break
        time.sleep(0.2)
    if "expect-failure" in sys.argv[3:]:
        try:
            qrmi.task_result(task_id)
            error = None
        except Exception as exc:  # pylint: disable=broad-except
            error = f"{type(exc).__name__}: {exc}"
        qrmi.task_stop(task_id)
        print(json.dumps({"task_id": task_id, "statuses": statuses, "error": error}))
        return
    result = json.loads(qrmi.task_result(task_id).value, cls=RuntimeDecoder)
    counts = result[0].data.meas.get_counts()
    qrmi.task_stop(task_id)
    qrmi.release(acquisition)
    print(json.dumps({
        "task_id": task_id,
        "statuses": statuses,
        "counts": counts,
        "resource_status": resource_status,
        "target_keys": sorted(k for k, v in target.items() if v is not None),
        "result_type": type(result).__name__,
    }))


if __name__ == "__main__":
    main()
