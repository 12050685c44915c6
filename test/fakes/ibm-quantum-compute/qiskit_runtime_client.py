"""Drives the fake with IBM's own client, qiskit-ibm-runtime. Reads {url, apiKey, instance,
backend} as JSON on stdin (the environment already points IAM and Global Search/Catalog at the
fake: IAM_URL, GLOBAL_SEARCH_URL, GLOBAL_CATALOG_URL) and writes one JSON object of findings on
stdout. Each step is a scenario the test asserts on."""
import json
import sys
import warnings

from qiskit import QuantumCircuit
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import generate_preset_pass_manager
from qiskit_ibm_runtime import Batch, EstimatorV2, QiskitRuntimeService, SamplerV2, Session
from qiskit_ibm_runtime.exceptions import RuntimeInvalidStateError

config = json.load(sys.stdin)
warnings.simplefilter("ignore")


def service_for(token):
    # The default resolver rewrites the URL to https://quantum.<host>/api/v1; the fake is the base itself.
    return QiskitRuntimeService(
        channel="ibm_cloud",
        token=token,
        instance=config["instance"],
        url=config["url"],
        url_resolver=lambda url, instance, private_endpoint, channel: url,
    )


out = {}
service = service_for(config["apiKey"])
backend = service.backend(config["backend"])
out["backend"] = {"name": backend.name, "num_qubits": backend.num_qubits, "operations": sorted(backend.operation_names)}

bell = QuantumCircuit(2)
bell.h(0)
bell.cx(0, 1)
measured = bell.copy()
measured.measure_all(add_bits=True)  # the register is named "meas"
pm = generate_preset_pass_manager(optimization_level=1, backend=backend, seed_transpiler=7)
isa = pm.run(measured)

sampler = SamplerV2(mode=backend)
job = sampler.run([isa], shots=400)
result = job.result()
out["sampler"] = {"job_id": job.job_id(), "status": job.status(), "counts": result[0].data.meas.get_counts()}

isa_bell = pm.run(bell)
observable = SparsePauliOp("ZZ").apply_layout(isa_bell.layout)
estimator = EstimatorV2(mode=backend)
estimator.options.default_precision = 0.01
ev_job = estimator.run([(isa_bell, observable)])
out["estimator"] = {"job_id": ev_job.job_id(), "evs": float(ev_job.result()[0].data.evs)}

with Batch(backend=backend) as batch:
    batch_job = SamplerV2(mode=batch).run([isa], shots=50)
    batch_job.result()
    out["batch"] = {"session_id": batch.session_id, "job_session_id": batch_job.session_id, "details": batch.details()}

with Session(backend=backend) as session:
    session_job = SamplerV2(mode=session).run([isa], shots=50)
    session_job.result()
    out["session"] = {"session_id": session.session_id, "job_session_id": session_job.session_id, "status": session.status()}

slow = SamplerV2(mode=backend).run([isa], shots=10)
slow.cancel()
out["cancel"] = {"job_id": slow.job_id(), "status": slow.status()}
try:
    slow.cancel()
    out["cancel"]["second"] = "accepted"
except RuntimeInvalidStateError as ex:
    out["cancel"]["second"] = type(ex).__name__

listed = service.jobs(limit=3)
out["jobs"] = [j.job_id() for j in listed]

try:
    service_for("not-the-key")
    out["wrong_key"] = "accepted"
except Exception as ex:  # the client's own error class is what the test checks
    out["wrong_key"] = {"type": type(ex).__name__, "message": str(ex)[:500]}

json.dump(out, sys.stdout)
