"""The Python peers of bench/peers-table.mjs: Qiskit Aer, qsim (qsimcirq) and Qulacs run the circuits
the table's Node side hands over, each in its own process with the same thread count, and report
the best wall time of each task.

    python peers.py PEER PRECISION THREADS < tasks.json     one JSON line per task on stdout

PEER: aer | qsim | qulacs. PRECISION: complex64 | complex128 (a peer without that precision prints
{"unsupported": ...} for each task). A task is {"name", "kind", "n", "ops", "reps", ...} with kind
state (simulate, then <Z on z_qubits>, default [0]: every engine evaluates the same Z string), sample (simulate, then `shots` shots of every qubit), paulis (simulate,
then every Pauli string of `paulis`) or dynamic (mid-circuit measurements and feed-forward, `shots`
shots). ops: ["u", [q], [theta, phi, lam]], ["h"|"x", [q]], ["rz", [q], [t]], ["cz"|"cx"|"swap",
[a, b]], ["cp", [a, b], [lam]], ["measure", q, clbit], ["reset", q], ["if", clbit, value, [ops]].
Only the simulation call is timed; building the circuit in the peer's own types is not.

Each line also says how many qubits the peer simulated ("simulated"): Aer reports it in its result
metadata (active_input_qubits: with enable_truncation, its default, Aer drops the qubits and gates
outside the saved observables' backward light cone); qsim and Qulacs always evolve the whole
n-qubit register (qsim's simulate_expectation_values and Qulacs' QuantumState(n) have no such
reduction), so for them it is n.
"""
import json
import resource
import sys
import time


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best_of(fn, reps, warmup):
    """Best wall time of `reps` runs after `warmup` untimed ones, the CPU time (every thread) of that run, in ms, and the last run's result."""
    for _ in range(warmup):
        fn()
    best = (float("inf"), 0.0)
    result = None
    for _ in range(reps):
        t0, c0 = time.perf_counter(), cpu_seconds()
        result = fn()
        wall, cpu = time.perf_counter() - t0, cpu_seconds() - c0
        if wall < best[0]:
            best = (wall, cpu)
    return best[0] * 1e3, best[1] * 1e3, result


def z_string(task):
    """The qubits of the state row's Z string (default: qubit 0 alone)."""
    return task.get("z_qubits") or [0]


# ---- Qiskit Aer -----------------------------------------------------------------------------------


def aer_runner(precision, threads):
    from qiskit import QuantumCircuit
    from qiskit.circuit.library import PhaseGate  # noqa: F401  (cp is QuantumCircuit.cp)
    from qiskit.quantum_info import Pauli, SparsePauliOp
    from qiskit_aer import AerSimulator

    def simulator(dynamic):
        return AerSimulator(
            method="statevector",
            precision="single" if precision == "complex64" else "double",
            max_parallel_threads=threads,
            # Aer's own shot branching (off by default) for the dynamic circuit, its best setting
            # there; elsewhere it would branch at every final measurement instead of sampling.
            shot_branching_enable=dynamic,
        )

    def emit(qc, ops):
        for op in ops:
            name = op[0]
            if name == "u":
                qc.u(*op[2], op[1][0])
            elif name == "h":
                qc.h(op[1][0])
            elif name == "x":
                qc.x(op[1][0])
            elif name == "rz":
                qc.rz(op[2][0], op[1][0])
            elif name == "cz":
                qc.cz(*op[1])
            elif name == "cx":
                qc.cx(*op[1])
            elif name == "swap":
                qc.swap(*op[1])
            elif name == "cp":
                qc.cp(op[2][0], *op[1])
            elif name == "measure":
                qc.measure(op[1], op[2])
            elif name == "reset":
                qc.reset(op[1])
            elif name == "if":
                with qc.if_test((qc.clbits[op[1]], op[2])):
                    emit(qc, op[3])
            else:
                raise ValueError(name)

    def prepare(task):
        n = task["n"]
        clbits = task.get("clbits", n if task["kind"] in ("sample", "dynamic") else 0)
        qc = QuantumCircuit(n, clbits)
        emit(qc, task["ops"])
        kind = task["kind"]
        sim = simulator(kind == "dynamic")
        if kind == "state":
            zs = z_string(task)
            qc.save_expectation_value(SparsePauliOp(Pauli("Z" * len(zs))), zs)
            return lambda: sim.run(qc, shots=1).result()
        if kind == "paulis":
            for i, label in enumerate(task["paulis"]):
                qc.save_expectation_value(SparsePauliOp(Pauli(label)), list(range(n)), label=f"p{i}")
            return lambda: sim.run(qc, shots=1).result()
        if kind == "sample":
            qc.measure(range(n), range(n))
        return lambda: sim.run(qc, shots=task["shots"]).result()

    return prepare


# ---- qsim -----------------------------------------------------------------------------------------


def qsim_runner(precision, threads):
    import cirq
    import numpy as np
    import qsimcirq

    if precision != "complex64":
        return None  # qsim computes in single precision only
    # max_fused_gate_size 4: qsim's fastest setting for these circuits on AVX-512 (its default is 2).
    sim = qsimcirq.QSimSimulator(qsimcirq.QSimOptions(cpu_threads=threads, max_fused_gate_size=4))

    def u_matrix(theta, phi, lam):
        c, s = np.cos(theta / 2), np.sin(theta / 2)
        return np.array([[c, -np.exp(1j * lam) * s], [np.exp(1j * phi) * s, np.exp(1j * (phi + lam)) * c]])

    def build(n, ops, qs, keys):
        out = []
        for op in ops:
            name = op[0]
            if name == "u":
                out.append(cirq.MatrixGate(u_matrix(*op[2])).on(qs[op[1][0]]))
            elif name == "h":
                out.append(cirq.H(qs[op[1][0]]))
            elif name == "x":
                out.append(cirq.X(qs[op[1][0]]))
            elif name == "rz":
                out.append(cirq.rz(op[2][0]).on(qs[op[1][0]]))
            elif name == "cz":
                out.append(cirq.CZ(qs[op[1][0]], qs[op[1][1]]))
            elif name == "cx":
                out.append(cirq.CNOT(qs[op[1][0]], qs[op[1][1]]))
            elif name == "swap":
                out.append(cirq.SWAP(qs[op[1][0]], qs[op[1][1]]))
            elif name == "cp":
                out.append(cirq.CZPowGate(exponent=op[2][0] / np.pi).on(qs[op[1][0]], qs[op[1][1]]))
            elif name == "measure":
                keys[op[2]] = keys.get(op[2], 0) + 1
                out.append(cirq.measure(qs[op[1]], key=f"m{op[2]}_{keys[op[2]]}"))
            elif name == "reset":
                out.append(cirq.ResetChannel().on(qs[op[1]]))
            elif name == "if":
                key = f"m{op[1]}_{keys[op[1]]}"
                if op[2] != 1:
                    raise ValueError("qsim runner: only `if (c[i] == 1)` is used")
                out.extend(g.with_classical_controls(key) for g in build(n, op[3], qs, keys))
            else:
                raise ValueError(name)
        return out

    def prepare(task):
        n = task["n"]
        qs = cirq.LineQubit.range(n)
        circuit = cirq.Circuit(build(n, task["ops"], qs, {}))
        kind = task["kind"]
        if kind == "state":
            obs = [cirq.PauliString({qs[q]: cirq.Z for q in z_string(task)})]
            # qubit_order: the whole register, also qubits no gate touches.
            return lambda: sim.simulate_expectation_values(circuit, obs, qubit_order=qs)
        if kind == "paulis":
            obs = [cirq.PauliString({qs[i]: getattr(cirq, p) for i, p in enumerate(reversed(label)) if p != "I"}) for label in task["paulis"]]
            return lambda: sim.simulate_expectation_values(circuit, obs)
        if kind == "sample":
            circuit.append(cirq.measure(*qs, key="all"))
        return lambda: sim.run(circuit, repetitions=task["shots"])

    return prepare


# ---- Qulacs ---------------------------------------------------------------------------------------


def qulacs_runner(precision, threads):
    if precision != "complex128":
        return None  # Qulacs computes in double precision only
    import numpy as np
    from qulacs import Observable, QuantumCircuit, QuantumState
    from qulacs import gate as qg
    from qulacs.circuit import QuantumCircuitOptimizer

    def prepare(task):
        n = task["n"]
        kind = task["kind"]
        if kind == "dynamic":
            return None  # no feed-forward in a Qulacs circuit
        qc = QuantumCircuit(n)
        for op in task["ops"]:
            name = op[0]
            if name == "u":
                qc.add_gate(qg.U3(op[1][0], *op[2]))
            elif name == "h":
                qc.add_H_gate(op[1][0])
            elif name == "x":
                qc.add_X_gate(op[1][0])
            elif name == "rz":
                qc.add_gate(qg.RotZ(op[1][0], op[2][0]))
            elif name == "cz":
                qc.add_CZ_gate(*op[1])
            elif name == "cx":
                qc.add_CNOT_gate(*op[1])
            elif name == "swap":
                qc.add_SWAP_gate(*op[1])
            elif name == "cp":
                qc.add_gate(qg.DiagonalMatrix(list(op[1]), [1, 1, 1, np.exp(1j * op[2][0])]))
            else:
                raise ValueError(name)
        # Qulacs' own fusion (blocks of at most 2 qubits), as its benchmarks run it.
        QuantumCircuitOptimizer().optimize(qc, 2)
        state = QuantumState(n)

        def run_state():
            state.set_zero_state()
            qc.update_quantum_state(state)
            return state

        if kind == "state":
            obs = Observable(n)
            obs.add_operator(1.0, " ".join(f"Z {q}" for q in z_string(task)))
            return lambda: obs.get_expectation_value(run_state())
        if kind == "paulis":
            observables = []
            for label in task["paulis"]:
                o = Observable(n)
                o.add_operator(1.0, " ".join(f"{p} {i}" for i, p in enumerate(reversed(label)) if p != "I") or "I 0")
                observables.append(o)

            def run_paulis():
                s = run_state()
                return [o.get_expectation_value(s) for o in observables]

            return run_paulis
        return lambda: run_state().sampling(task["shots"])

    return prepare


RUNNERS = {"aer": aer_runner, "qsim": qsim_runner, "qulacs": qulacs_runner}


def simulated_qubits(peer, task, result):
    """Qubits the peer's last run evolved: Aer's metadata says; qsim and Qulacs evolve all n."""
    if peer == "aer" and result is not None:
        active = result.results[0].metadata.get("active_input_qubits")
        if active is not None:
            return len(active)
    return task["n"]


def main():
    peer, precision, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tasks = json.load(sys.stdin)
    prepare = RUNNERS[peer](precision, threads)
    for task in tasks:
        if prepare is None:
            print(json.dumps({"name": task["name"], "unsupported": f"{peer} has no {precision}"}), flush=True)
            continue
        try:
            run = prepare(task)
        except Exception as e:
            print(json.dumps({"name": task["name"], "unsupported": f"{peer}: {type(e).__name__}: {str(e)[:120]}"}), flush=True)
            continue
        if run is None:
            print(json.dumps({"name": task["name"], "unsupported": f"{peer} does not run {task['kind']} circuits"}), flush=True)
            continue
        try:
            ms, cpu, result = best_of(run, task["reps"], task.get("warmup", 1))
        except Exception as e:  # a peer that cannot run a circuit says so in the table
            print(json.dumps({"name": task["name"], "unsupported": f"{peer}: {type(e).__name__}: {str(e)[:120]}"}), flush=True)
            continue
        print(json.dumps({"name": task["name"], "ms": ms, "cpuMs": cpu, "simulated": simulated_qubits(peer, task, result)}), flush=True)


if __name__ == "__main__":
    main()
