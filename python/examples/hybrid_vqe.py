"""A hybrid quantum-classical program: a VQE-style loop of Estimator calls with a classical optimiser
(plain parameter-shift gradient descent, no scipy), then a Sampler run of the optimised state
measured into several classical registers.

It runs unchanged in a Slurm job granted a QPU (docs/python.md: #SBATCH --gres=qpu:1
--q_backend=...) and on a laptop, where the built-in simulator runs through `qrun`.

    python hybrid_vqe.py            # a readable report
    python hybrid_vqe.py --json     # one JSON object, for scripts
"""
import json
import sys

import numpy as np
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import ParameterVector
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import generate_preset_pass_manager

from slurm_qpu import EstimatorV2, QrunError, SamplerV2

STEPS = 5
LEARNING_RATE = 0.4


def ansatz() -> QuantumCircuit:
    theta = ParameterVector("θ", 4)
    circuit = QuantumCircuit(2)
    circuit.ry(theta[0], 0)
    circuit.ry(theta[1], 1)
    circuit.cx(0, 1)
    circuit.ry(theta[2], 0)
    circuit.ry(theta[3], 1)
    return circuit


def main() -> int:
    as_json = "--json" in sys.argv[1:]
    hamiltonian = SparsePauliOp.from_list([("ZZ", 1.0), ("IZ", 0.5), ("XI", 0.3), ("XX", 0.2)])
    estimator = EstimatorV2(default_precision=0.01, seed=7)
    # Transpile once, for the backend the job was granted; observables follow the chosen layout.
    pass_manager = generate_preset_pass_manager(optimization_level=1, target=estimator.target())
    circuit = pass_manager.run(ansatz())
    observable = hamiltonian.apply_layout(circuit.layout)

    point = np.array([2.0, -1.0, 0.5, 1.5])
    shift = np.pi / 2
    energies = []
    for _ in range(STEPS):
        # One Estimator call per step: the energy and its parameter-shift gradient, as one sweep.
        sweep = [point] + [point + sign * shift * np.eye(len(point))[k] for k in range(len(point)) for sign in (1, -1)]
        evs = estimator.run([(circuit, observable, np.array(sweep))]).result()[0].data.evs
        energies.append(float(evs[0]))
        gradient = np.array([(evs[1 + 2 * k] - evs[2 + 2 * k]) / 2 for k in range(len(point))])
        point = point - LEARNING_RATE * gradient

    # Measure the optimised state: qubit 0 into its own register, qubit 1 into another.
    q = QuantumRegister(2, "q")
    first, second = ClassicalRegister(1, "first"), ClassicalRegister(1, "second")
    final = QuantumCircuit(q, first, second)
    final.compose(ansatz().assign_parameters(point), inplace=True)
    final.measure(0, first[0])
    final.measure(1, second[0])
    sampler = SamplerV2(seed=7)
    data = sampler.run([pass_manager.run(final)], shots=2000).result()[0].data

    report = {
        "backend": estimator.backend_name,
        "energies": energies,
        "parameters": point.tolist(),
        "first": data.first.get_counts(),
        "second": data.second.get_counts(),
        "shots": data.first.num_shots,
    }
    if as_json:
        print(json.dumps(report))
    else:
        print(f"backend {report['backend']}")
        for step, energy in enumerate(energies):
            print(f"step {step}: energy {energy:+.4f}")
        print(f"register first: {report['first']}; register second: {report['second']}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except QrunError as error:
        # The code and hint are the project's (docs/errors.md): say them and exit non-zero.
        print(f"error: {error}", file=sys.stderr)
        sys.exit(1)
