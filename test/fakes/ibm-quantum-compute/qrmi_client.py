"""Drives the fake with qrmi's IBM Quantum Compute Service resource (the Rust client the IBM Slurm
plugin uses). Reads {url, iamUrl, apiKey, instance, backend, qasm} as JSON on stdin and writes one
JSON object of findings on stdout."""
import json
import os
import sys
import time

import qrmi

config = json.load(sys.stdin)
name = config["backend"]
os.environ[f"{name}_QRMI_IBM_QCS_ENDPOINT"] = config["url"]
os.environ[f"{name}_QRMI_IBM_QCS_IAM_ENDPOINT"] = config["iamUrl"]
os.environ[f"{name}_QRMI_IBM_QCS_IAM_APIKEY"] = config["apiKey"]
os.environ[f"{name}_QRMI_IBM_QCS_SERVICE_CRN"] = config["instance"]
os.environ[f"{name}_QRMI_IBM_QCS_SESSION_MODE"] = "batch"

out = {}
resource = qrmi.QuantumResource(name, qrmi.ResourceType.IBMQuantumComputeService)
out["accessible"] = resource.is_accessible()
token = resource.acquire()
out["acquired"] = token
target = json.loads(resource.target().value)
out["target_keys"] = sorted(target.keys()) if isinstance(target, dict) else str(type(target))
payload = {"pubs": [[config["qasm"], None, 200]], "version": 2, "support_qiskit": False}
task = resource.task_start(qrmi.Payload.QiskitPrimitive(input=json.dumps(payload), program_id="sampler"))
out["task"] = task
deadline = time.time() + 60
status = resource.task_status(task)
while status in (qrmi.TaskStatus.Queued, qrmi.TaskStatus.Running) and time.time() < deadline:
    time.sleep(0.2)
    status = resource.task_status(task)
out["status"] = str(status)
out["result"] = json.loads(resource.task_result(task).value)
resource.release(token)
out["released"] = True
json.dump(out, sys.stdout)
