"""Control flow written by real Qiskit (qasm3.dumps of for_loop, while_loop, switch, if_test with
classical expressions, and controlled / powered gates), with Aer's and Qiskit's own results.

Run by control-flow.test.ts in the pinned virtualenv (scripts/python-env.mjs); prints JSON on stdout:
  {"sampler": [{name, qasm, shots, counts}], "estimator": [{name, qasm, observables, evs}]}
Estimator references come from StatevectorEstimator on the circuit with its loops unrolled by
Qiskit's own UnrollForLoops pass (Statevector cannot run control flow), while our side gets the
circuit with the loop as qasm3.dumps writes it.
"""
import json
import sys
import warnings

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister, qasm3, transpile
from qiskit.circuit import Parameter
from qiskit.circuit.classical import expr
from qiskit.circuit.library import RXGate, RZZGate
from qiskit.primitives import StatevectorEstimator
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import PassManager
from qiskit.transpiler.passes import UnrollForLoops
from qiskit_aer import AerSimulator
from qiskit_aer.primitives import SamplerV2 as AerSampler

warnings.simplefilter("ignore", DeprecationWarning)

SHOTS = 4000
aer = AerSampler(seed=17, options={"backend_options": {"max_parallel_threads": 1}})
AER_BACKEND = AerSimulator(max_parallel_threads=1)
sampler_cases = []
estimator_cases = []


def sampler_case(name, circuit):
    runnable = transpile(circuit, AER_BACKEND, optimization_level=0)
    result = aer.run([runnable], shots=SHOTS).result()[0]
    sampler_cases.append({"name": name, "qasm": qasm3.dumps(circuit), "shots": SHOTS, "counts": result.join_data().get_counts()})


def estimator_case(name, circuit, observables):
    unrolled = PassManager([UnrollForLoops()]).run(circuit)
    evs = StatevectorEstimator().run([(unrolled, observables)]).result()[0].data.evs
    estimator_cases.append(
        {
            "name": name,
            "qasm": qasm3.dumps(circuit),
            "observables": [dict(zip(o.paulis.to_labels(), [float(c.real) for c in o.coeffs])) for o in observables],
            "evs": np.asarray(evs).reshape(-1).tolist(),
        }
    )


OBSERVABLES_3 = [SparsePauliOp(["ZII", "IZI", "IIZ"]), SparsePauliOp(["XXI", "IYY", "ZIZ"], [0.5, -1.0, 0.25]), SparsePauliOp("YXZ")]

# for_loop over a range and a set, with the loop parameter in angles; nested loops.
c = QuantumCircuit(3)
c.h(0)
with c.for_loop(range(4)) as i:
    c.rx(i * 0.3, 1)
    c.cx(0, 2)
    c.ry(0.2 * i + 0.1, 2)
with c.for_loop([1, 4, 2]) as j:
    c.rz(j, 0)
    c.rzz(0.1 * j, 0, 1)
with c.for_loop(range(0, 6, 2)):
    with c.for_loop(range(2)):
        c.h(1)
        c.t(1)
estimator_case("for_loop over a range, a set and nested ranges", c, OBSERVABLES_3)
m = c.copy()
m.measure_all()
sampler_case("for_loop over a range, a set and nested ranges, measured", m)

# while_loop on a measured bit: repeat until success, turning another qubit each round.
c = QuantumCircuit(2, 2)
c.h(0)
c.measure(0, 0)
with c.while_loop((c.clbits[0], 1)):
    c.rx(0.4, 1)
    c.reset(0)
    c.h(0)
    c.measure(0, 0)
c.measure(1, 1)
sampler_case("while_loop on a bit (repeat until success)", c)

# while_loop on a register value and on a classical expression.
c = QuantumCircuit(3, 2)
c.h([0, 1])
c.measure([0, 1], [0, 1])
with c.while_loop((c.cregs[0], 3)):
    c.reset([0, 1])
    c.h([0, 1])
    c.ry(0.3, 2)
    c.measure([0, 1], [0, 1])
sampler_case("while_loop on a register == 3", c)

c = QuantumCircuit(3, 3)
c.h(0)
c.x(1)
c.measure([0, 1], [0, 1])
with c.while_loop(expr.logic_and(expr.equal(c.clbits[0], True), c.clbits[1])):
    c.rx(0.5, 2)
    c.h(0)
    c.measure(0, 0)
c.measure(2, 2)
sampler_case("while_loop on c[0] == true && c[1]", c)

# switch on a register with several values per case and a default, and on a single bit.
qr = QuantumRegister(3)
cr = ClassicalRegister(2, "c")
out = ClassicalRegister(1, "out")
c = QuantumCircuit(qr, cr, out)
c.h([0, 1])
c.measure([0, 1], cr)
with c.switch(cr) as case:
    with case(0):
        c.x(2)
    with case(1, 2):
        c.h(2)
    with case(case.DEFAULT):
        c.ry(0.7, 2)
c.measure(2, out)
sampler_case("switch on a register (case 1, 2 and default)", c)

c = QuantumCircuit(2, 2)
c.h(0)
c.measure(0, 0)
with c.switch(c.clbits[0]) as case:
    with case(0):
        c.x(1)
    with case(1):
        c.rx(1.1, 1)
c.measure(1, 1)
sampler_case("switch on a bit", c)

# if_test with classical expressions (&, !, ==), else branches, inside a for loop.
c = QuantumCircuit(3, 3)
c.h([0, 1])
c.measure([0, 1], [0, 1])
with c.if_test(expr.bit_and(c.clbits[0], c.clbits[1])) as else_:
    c.x(2)
with else_:
    c.ry(0.4, 2)
with c.if_test(expr.logic_not(c.clbits[0])):
    c.h(2)
with c.for_loop(range(2)):
    with c.if_test((c.clbits[1], 1)):
        c.rz(0.3, 2)
        c.sx(2)
c.measure(2, 2)
sampler_case("if_test on c[0] & c[1], !c[0], and inside a for loop", c)

# Controlled and powered gates as Qiskit exports them (it writes definitions for these).
sub = QuantumCircuit(2, name="mygate")
sub.h(0)
sub.cx(0, 1)
sub.rz(0.3, 1)
g = sub.to_gate()
c = QuantumCircuit(3)
c.h([0, 1, 2])
c.append(g.control(1), [2, 0, 1])
c.append(g.control(1, ctrl_state=0), [1, 0, 2])
c.append(RXGate(0.4).power(0.5), [0])
c.append(RZZGate(0.8).power(0.25), [0, 2])
estimator_case("controlled user gates and powered rotations", c, OBSERVABLES_3)

json.dump({"sampler": sampler_cases, "estimator": estimator_cases}, sys.stdout)
