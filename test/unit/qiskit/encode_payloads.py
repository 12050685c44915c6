"""Primitive payloads written by qiskit-ibm-runtime's RuntimeEncoder, with Qiskit's expected results.

Run by runtime-encoder.test.ts; prints a JSON list of cases:
  {name, kind, payload: <the RuntimeEncoder JSON text>, shape?, evs?, error?}
Circuits are sent as qiskit.qasm3.dumps(circuit), as the project asks, except in the cases that check
what happens to a QPY circuit.
"""
import json
import sys
import warnings

import numpy as np
from qiskit import qasm3
from qiskit.circuit.library import efficient_su2, real_amplitudes
from qiskit.primitives import StatevectorEstimator
from qiskit.primitives.containers.bindings_array import BindingsArray
from qiskit.primitives.containers.estimator_pub import EstimatorPub
from qiskit.primitives.containers.observables_array import ObservablesArray
from qiskit.primitives.containers.sampler_pub import SamplerPub
from qiskit.quantum_info import SparsePauliOp
from qiskit_ibm_runtime import RuntimeEncoder

warnings.simplefilter("ignore", DeprecationWarning)
rng = np.random.default_rng(7)
cases = []


def encode(params):
    return json.dumps(params, cls=RuntimeEncoder)


def exact(circuit, observables, values):
    result = StatevectorEstimator().run([(circuit, observables, values)]).result()[0]
    evs = np.asarray(result.data.evs)
    return list(evs.shape), evs.reshape(-1).tolist()


ansatz = real_amplitudes(3, reps=1)  # parameters θ[0] … θ[5]
values = rng.uniform(-np.pi, np.pi, size=(4, ansatz.num_parameters))
measured = ansatz.copy()
measured.measure_all()
qasm = qasm3.dumps(ansatz)
op = SparsePauliOp(["ZZI", "IXX", "YIY"], [0.5, -1.25, 0.75])

# What qiskit-ibm-runtime itself sends: the PUB objects, so a QPY circuit.
cases.append({
    "name": "qiskit-ibm-runtime's own sampler payload (QPY circuit)",
    "kind": "sampler",
    "payload": encode({"pubs": [SamplerPub.coerce((measured, values, 100))], "version": 2, "support_qiskit": True}),
    "error": "PAYLOAD_INVALID",
})
cases.append({
    "name": "qiskit-ibm-runtime's own estimator payload (QPY circuit)",
    "kind": "estimator",
    "payload": encode({"pubs": [EstimatorPub.coerce((ansatz, op, values))], "version": 2}),
    "error": "PAYLOAD_INVALID",
})

# The same PUBs with the circuit as OpenQASM 3; values stay the ndarray as_array() gives.
cases.append({
    "name": "sampler: ndarray parameter values (float64, shape (4, 6))",
    "kind": "sampler",
    "payload": encode({"pubs": [(qasm3.dumps(measured), values, 100)], "version": 2}),
    "shape": [4],
})
shape, evs = exact(ansatz, op, values)
cases.append({
    "name": "estimator: ndarray values, SparsePauliOp observable (settings envelope, complex128 coeffs)",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, op, values, 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
pub = EstimatorPub.coerce((ansatz, [[op], [SparsePauliOp("XYZ")]], values))
shape, evs = exact(ansatz, [[op], [SparsePauliOp("XYZ")]], values)
cases.append({
    "name": "estimator: ObservablesArray and the ndarray from BindingsArray.as_array",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, pub.observables, pub.parameter_values.as_array(ansatz.parameters), 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
cases.append({
    "name": "estimator: BindingsArray by parameter name (θ[0] … θ[5] as Qiskit names them)",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, pub.observables, pub.parameter_values, 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
shape, evs = exact(ansatz, op, values[0])
cases.append({
    "name": "estimator: [label, coeff] pairs from SparsePauliOp.to_list()",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, op.to_list(), values[0].tolist(), 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
object_array = np.array([{"ZZI": 1.0}, {"IXX": 0.5, "YIY": -0.5}], dtype=object)
shape, evs = exact(ansatz, [SparsePauliOp("ZZI"), SparsePauliOp(["IXX", "YIY"], [0.5, -0.5])], values[0])
cases.append({
    "name": "estimator: numpy object array of observable dicts",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, object_array, values[0], 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
su2 = efficient_su2(2, reps=1)
su2_values = rng.uniform(-1, 1, size=(2, su2.num_parameters)).astype(np.float32)
shape, evs = exact(su2, SparsePauliOp("ZX", 0.5), su2_values.astype(np.float64))
cases.append({
    "name": "estimator: float32 ndarray parameter values, numpy float coefficient",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm3.dumps(su2), {"ZX": np.float64(0.5)}, su2_values, 0)], "version": 2}),
    "shape": shape,
    "evs": evs,
})
cases.append({
    "name": "estimator: a SparsePauliOp with a complex coefficient is not Hermitian",
    "kind": "estimator",
    "payload": encode({"pubs": [(qasm, SparsePauliOp(["ZZI", "IXX"], [1.0, 0.5j]), values[0], 0)], "version": 2}),
    "error": "OBSERVABLE_INVALID",
})
json.dump(cases, sys.stdout)
