"""Circuits written by real Qiskit, with Aer's and Qiskit's own results, as one JSON document.

Run by circuits.test.ts in the pinned virtualenv (scripts/python-env.mjs); prints JSON on stdout:
  {"sampler": [case...], "estimator": [case...]}
sampler case:   {name, qasm, version, shots, parameter_values, counts: [joined counts per element]}
estimator case: {name, qasm, version, observables, parameter_values, evs (flat, C order), shape}
"""
import json
import sys
import warnings

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, qasm2, qasm3, transpile
from qiskit.circuit.library import QAOAAnsatz, QFT, efficient_su2, grover_operator, real_amplitudes
from qiskit.circuit.random import random_circuit
from qiskit.primitives import StatevectorEstimator
from qiskit.providers.fake_provider import GenericBackendV2
from qiskit.quantum_info import SparsePauliOp
from qiskit_aer import AerSimulator
from qiskit_aer.primitives import SamplerV2 as AerSampler

warnings.simplefilter("ignore", DeprecationWarning)

SHOTS = 4000
BASIS = ["rz", "sx", "x", "cx"]
rng = np.random.default_rng(20240613)
# One thread: the test machine is shared, and these circuits are small.
aer = AerSampler(seed=11, options={"backend_options": {"max_parallel_threads": 1}})
sampler_cases = []
estimator_cases = []


AER_BACKEND = AerSimulator(max_parallel_threads=1)


def sampler_case(name, circuit, values=None, version=3):
    qasm = qasm3.dumps(circuit) if version == 3 else qasm2.dumps(circuit)
    # Aer knows fewer gates than the circuit library writes (dcx, rcccx, ...): lower them for Aer only.
    runnable = transpile(circuit, AER_BACKEND, optimization_level=0)
    pub = (runnable, values) if values is not None else (runnable,)
    result = aer.run([pub], shots=SHOTS).result()[0]
    joined = result.join_data()
    shape = joined.shape
    counts = [joined.get_counts(idx) for idx in np.ndindex(shape)] if shape != () else [joined.get_counts()]
    sampler_cases.append(
        {
            "name": name,
            "qasm": qasm,
            "version": version,
            "shots": SHOTS,
            "parameter_values": None if values is None else np.asarray(values).tolist(),
            "registers": [c.name for c in circuit.cregs],
            "counts": counts,
        }
    )


def estimator_case(name, circuit, observables, values=None):
    estimator = StatevectorEstimator()
    pub = (circuit, observables, values) if values is not None else (circuit, observables)
    result = estimator.run([pub]).result()[0]
    evs = np.asarray(result.data.evs)
    estimator_cases.append(
        {
            "name": name,
            "qasm": qasm3.dumps(circuit),
            "version": 3,
            "observables": [dict(zip(o.paulis.to_labels(), [float(c.real) for c in o.coeffs])) for o in observables],
            "parameter_values": None if values is None else np.asarray(values).tolist(),
            "shape": list(evs.shape),
            "evs": evs.reshape(-1).tolist(),
        }
    )


def random_observables(n, count, terms=3):
    out = []
    for _ in range(count):
        labels = ["".join(rng.choice(list("IXYZ"), size=n)) for _ in range(terms)]
        coeffs = rng.normal(size=terms)
        out.append(SparsePauliOp(labels, coeffs))
    return out


def measured(circuit):
    c = circuit.copy()
    c.measure_all()
    return c


# Library circuits.
for n in (3, 4):
    qft = QuantumCircuit(n)
    qft.x(0)
    qft.h(n - 1)
    qft.compose(QFT(n), inplace=True)
    qft = qft.decompose()
    sampler_case(f"QFT({n}) on a prepared state", measured(qft))
    estimator_case(f"QFT({n})", qft, random_observables(n, 4))

su2 = efficient_su2(3, reps=1)
su2_values = rng.uniform(-np.pi, np.pi, size=(2, su2.num_parameters))
sampler_case("efficient_su2(3) with two parameter sets", measured(su2), su2_values)
ra = real_amplitudes(4, reps=2)
ra_values = rng.uniform(-np.pi, np.pi, size=(3, ra.num_parameters))
sampler_case("real_amplitudes(4) with three parameter sets", measured(ra), ra_values)

# Estimator sweeps: observables shape (k,) against values shape (m, 1, P) broadcast to (m, k).
for name, ansatz, values in (("efficient_su2(3)", su2, su2_values), ("real_amplitudes(4)", ra, ra_values)):
    observables = random_observables(ansatz.num_qubits, 3)
    # (k,) observables broadcast with (m, 1) parameter sets to shape (m, k).
    vals = values.reshape(values.shape[0], 1, values.shape[1])
    r = StatevectorEstimator().run([(ansatz, observables, vals)]).result()[0]
    evs = np.asarray(r.data.evs)
    estimator_cases.append(
        {
            "name": f"{name} swept over parameter sets",
            "qasm": qasm3.dumps(ansatz),
            "version": 3,
            "observables": [dict(zip(o.paulis.to_labels(), [float(c.real) for c in o.coeffs])) for o in observables],
            "parameter_values": vals.tolist(),
            "shape": list(evs.shape),
            "evs": evs.reshape(-1).tolist(),
        }
    )

cost = SparsePauliOp(["ZZII", "IZZI", "IIZZ", "ZIIZ"], [1.0, 1.0, 1.0, 0.5])
qaoa = transpile(QAOAAnsatz(cost, reps=2), basis_gates=BASIS, optimization_level=0)
qaoa_values = rng.uniform(0, np.pi, size=(qaoa.num_parameters,))
sampler_case("QAOAAnsatz(4 qubits, reps=2)", measured(qaoa), qaoa_values)
estimator_case("QAOAAnsatz(4 qubits, reps=2)", qaoa, [cost], qaoa_values)

oracle = QuantumCircuit(3)
oracle.cz(0, 2)
oracle.cz(1, 2)
grover = QuantumCircuit(3)
grover.h(range(3))
grover.compose(grover_operator(oracle), inplace=True)
grover = transpile(grover, basis_gates=BASIS + ["h", "ccx"], optimization_level=0)
sampler_case("grover_operator on a two-CZ oracle", measured(grover))
estimator_case("grover_operator on a two-CZ oracle", grover, random_observables(3, 4))

# Random circuits with mid-circuit measurements, conditionals and resets (sampler), and unitary ones.
for seed in range(6):
    n = 3 + seed % 3
    c = random_circuit(n, 5, max_operands=3, measure=True, conditional=True, reset=True, seed=seed)
    sampler_case(f"random_circuit({n}, 5, measure, conditional, reset, seed={seed})", c)
for seed in range(6):
    n = 2 + seed % 4
    c = random_circuit(n, 6, max_operands=3, seed=100 + seed)
    estimator_case(f"random_circuit({n}, 6, seed={100 + seed})", c, random_observables(n, 3))

# OpenQASM 2 as qasm2.dumps writes it.
for seed in range(3):
    c = random_circuit(4, 4, max_operands=2, measure=True, reset=True, seed=200 + seed)
    sampler_case(f"qasm2.dumps(random_circuit(4, 4, seed={200 + seed}))", c, version=2)
sampler_case("qasm2.dumps(QFT(3))", measured(QFT(3).decompose()), version=2)

# Transpiled for a generic 5-qubit device: physical qubits, cz/rz/sx/x basis, final layout.
backend = GenericBackendV2(num_qubits=5, seed=3)
for seed in range(3):
    logical = random_circuit(3, 4, max_operands=2, seed=300 + seed)
    isa = transpile(measured(logical), backend=backend, seed_transpiler=seed, optimization_level=1)
    sampler_case(f"random_circuit(3) transpiled for GenericBackendV2(5), seed {seed}", isa)
    unitary = transpile(logical, backend=backend, seed_transpiler=seed, optimization_level=1)
    observables = [o.apply_layout(unitary.layout) for o in random_observables(3, 3)]
    estimator_case(f"random_circuit(3) transpiled for GenericBackendV2(5), seed {seed}", unitary, observables)

# Several registers: joined counts must follow join_data() exactly.
multi = QuantumCircuit(5)
a = ClassicalRegister(2, "a")
b = ClassicalRegister(3, "b")
multi.add_register(a)
multi.add_register(b)
multi.x([0, 3, 4])
multi.h(2)
multi.measure([0, 1], a)
multi.measure([2, 3, 4], b)
sampler_case("registers a (2 bits) and b (3 bits)", multi)

json.dump({"sampler": sampler_cases, "estimator": estimator_cases}, sys.stdout)
