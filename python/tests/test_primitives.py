"""Qiskit programs a user writes, run for real on whatever this environment offers (conftest.py): the
results must be Qiskit's own objects with the right keys, bit order and shapes, whichever path ran."""
import numpy as np
import pytest
from qiskit import ClassicalRegister, QuantumCircuit, QuantumRegister
from qiskit.circuit import Parameter, ParameterVector
from qiskit.primitives import BitArray, PrimitiveResult
from qiskit.providers import JobStatus
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import generate_preset_pass_manager

from slurm_qpu import EstimatorV2, QrunError, SamplerV2


def bell(measure=True):
    circuit = QuantumCircuit(2)
    circuit.h(0)
    circuit.cx(0, 1)
    if measure:
        circuit.measure_all()
    return circuit


def test_bell_counts_are_half_00_half_11(placement):
    job = SamplerV2().run([bell()], shots=2000)
    result = job.result()
    assert isinstance(result, PrimitiveResult)
    meas = result[0].data.meas
    assert isinstance(meas, BitArray)
    assert meas.num_bits == 2 and meas.num_shots == 2000
    counts = meas.get_counts()
    assert set(counts) == {"00", "11"}
    assert 800 < counts["00"] < 1200
    assert job.status() == JobStatus.DONE and job.done() and job.in_final_state() and not job.running()
    assert result[0].metadata["shots"] == 2000


def test_several_registers_keep_their_names_widths_and_bit_order(placement):
    q = QuantumRegister(4, "q")
    flags = ClassicalRegister(1, "flags")
    data = ClassicalRegister(3, "data")
    circuit = QuantumCircuit(q, flags, data)
    circuit.x(0)
    circuit.x(3)
    circuit.measure(0, flags[0])
    circuit.measure(1, data[0])
    circuit.measure(2, data[1])
    circuit.measure(3, data[2])
    result = SamplerV2(default_shots=50).run([circuit]).result()[0]
    assert list(result.data.keys()) == ["flags", "data"]
    assert result.data.flags.num_bits == 1 and result.data.data.num_bits == 3
    assert result.data.flags.get_counts() == {"1": 50}
    # data[2] (qubit 3) is set: clbit 0 is the rightmost character.
    assert result.data.data.get_counts() == {"100": 50}
    assert result.data.data.get_int_counts() == {4: 50}
    # Joined, the first register is leftmost... in Qiskit's join_data the *last* register is leftmost.
    assert result.join_data().get_counts() == {"1001": 50}


def test_parameter_vector_values_bind_in_circuit_order(placement):
    # Twelve entries: θ[10] and θ[11] sort after θ[9] in circuit.parameters, and the exporter renames
    # every θ[i]; values must still land on the right rotations.
    theta = ParameterVector("θ", 12)
    z = Parameter("z")  # a gate name: the exporter renames it too
    circuit = QuantumCircuit(6)
    for i in range(6):
        circuit.rx(theta[i], i)
        circuit.ry(theta[i + 6], i)
    circuit.rz(z, 0)
    circuit.measure_all()
    flips = [[np.pi if i in (0, 10) else 0.0 for i in range(12)], [np.pi if i == 11 else 0.0 for i in range(12)]]
    values = np.array([[0.3] + row for row in flips])  # z first: circuit.parameters is sorted by name
    assert [p.name for p in circuit.parameters][0] == "z"
    result = SamplerV2().run([(circuit, values, 16)]).result()[0]
    assert result.data.meas.shape == (2,)
    # Row 0 flips qubit 0 (θ[0]) and qubit 4 (θ[10]); row 1 flips qubit 5 (θ[11]).
    assert result.data.meas.get_counts(0) == {"010001": 16}
    assert result.data.meas.get_counts(1) == {"100000": 16}


def test_estimator_bell_zz_is_one_and_shapes_broadcast(placement):
    estimator = EstimatorV2()
    theta = Parameter("theta")
    rotated = QuantumCircuit(1)
    rotated.ry(theta, 0)
    observables = [["Z"], ["X"], [SparsePauliOp.from_list([("Z", 0.5), ("X", 0.5)])]]
    values = np.linspace(0, np.pi, 4).reshape(4, 1)
    result = estimator.run([(bell(measure=False), "ZZ"), (bell(measure=False), ["XX", "YY", "ZI"]), (rotated, observables, values)]).result()
    assert result[0].data.evs.shape == () and float(result[0].data.evs) == pytest.approx(1.0, abs=0.05)
    assert result[1].data.evs.shape == (3,)
    assert np.allclose(result[1].data.evs, [1.0, -1.0, 0.0], atol=0.05)
    evs = result[2].data.evs
    assert evs.shape == (3, 4) and result[2].data.stds.shape == (3, 4)
    angles = np.linspace(0, np.pi, 4)
    assert np.allclose(evs[0], np.cos(angles), atol=0.05)
    assert np.allclose(evs[1], np.sin(angles), atol=0.05)
    assert np.allclose(evs[2], 0.5 * np.cos(angles) + 0.5 * np.sin(angles), atol=0.05)


def test_a_vqe_loop_of_five_estimator_calls_lowers_the_energy(placement):
    theta = ParameterVector("θ", 2)
    ansatz = QuantumCircuit(2)
    ansatz.ry(theta[0], 0)
    ansatz.ry(theta[1], 1)
    ansatz.cx(0, 1)
    hamiltonian = SparsePauliOp.from_list([("ZZ", 1.0), ("IZ", 0.5), ("XI", 0.3)])
    estimator = EstimatorV2(default_precision=0.01, seed=11)
    point = np.array([2.5, -2.0])
    energies = []
    shift = np.pi / 2
    for _ in range(5):
        # One call per step: the energy and the parameter-shift gradient as one sweep of 5 bindings.
        sweep = np.array([point] + [point + s * shift * np.eye(2)[k] for k in range(2) for s in (1, -1)])
        evs = estimator.run([(ansatz, hamiltonian, sweep)]).result()[0].data.evs
        assert evs.shape == (5,)
        energies.append(float(evs[0]))
        gradient = np.array([(evs[1] - evs[2]) / 2, (evs[3] - evs[4]) / 2])
        point = point - 0.4 * gradient
    assert len(energies) == 5
    assert energies[-1] < energies[0] - 0.3


def test_a_finished_job_cannot_be_cancelled(placement):
    job = SamplerV2().run([bell()], shots=10)
    job.result()
    assert job.cancel() is False
    assert job.status() == JobStatus.DONE and not job.cancelled() and job.in_final_state()


def test_cancelling_a_local_run_stops_it(placement):
    if placement != "qrun":
        pytest.skip("the gateway's cancel is tested with a gateway whose tasks wait (test_cancel.py)")
    sampler = SamplerV2()
    first, second = sampler.run([bell()]), sampler.run([bell()])
    assert first.job_id() != second.job_id()
    assert first.cancel() is True
    assert first.status() == JobStatus.CANCELLED and first.cancelled() and first.in_final_state()
    with pytest.raises(QrunError) as caught:
        first.result()
    assert caught.value.code == "TASK_CANCELLED"
    assert set(second.result()[0].data.meas.get_counts()) == {"00", "11"}


def test_a_circuit_too_wide_for_the_backend_fails_with_the_projects_code_and_hint(placement):
    num_qubits = SamplerV2().target().num_qubits
    wide = QuantumCircuit(num_qubits + 1)
    wide.h(range(num_qubits + 1))
    wide.measure_all()
    with pytest.raises(QrunError) as caught:
        SamplerV2().run([wide]).result()
    error = caught.value
    assert error.code == "CIRCUIT_DOES_NOT_FIT"
    assert error.hint
    assert f"needs {num_qubits + 1} qubits" in str(error) and "hint:" in str(error)


def test_a_for_loop_written_by_qiskit_runs(placement):
    circuit = QuantumCircuit(1, 1)
    with circuit.for_loop(range(3)):
        circuit.x(0)
    circuit.measure(0, 0)
    counts = SamplerV2().run([circuit], shots=64).result()[0].data.c.get_counts()
    assert counts == {"1": 64}


def test_an_unsupported_openqasm_feature_fails_with_a_qasm_code(placement):
    # A `break` decided by a measured bit cannot be unrolled into a fixed circuit.
    circuit = QuantumCircuit(1, 1)
    with circuit.for_loop(range(3)):
        circuit.h(0)
        circuit.measure(0, 0)
        with circuit.if_test((circuit.clbits[0], 1)):
            circuit.break_loop()
    with pytest.raises(QrunError) as caught:
        SamplerV2().run([circuit]).result()
    assert caught.value.code == "QASM_UNSUPPORTED"
    assert "inside a branch decided by measured bits" in caught.value.message
    assert caught.value.hint


def test_target_transpile_run(placement):
    sampler = SamplerV2()
    target = sampler.target()
    assert target.num_qubits >= 3 and target.max_shots is not None
    assert "cx" in target.operation_names and "measure" in target.operation_names
    ghz = QuantumCircuit(3)
    ghz.h(0)
    ghz.cx(0, 1)
    ghz.cx(1, 2)
    ghz.measure_all()
    pass_manager = generate_preset_pass_manager(optimization_level=1, target=target)
    isa = pass_manager.run(ghz)
    assert set(sampler.run([isa], shots=200).result()[0].data.meas.get_counts()) <= {"000", "111"}
    estimator = EstimatorV2()
    state = ghz.remove_final_measurements(inplace=False)
    isa_state = pass_manager.run(state)
    observable = SparsePauliOp("ZZI").apply_layout(isa_state.layout)
    assert float(estimator.run([(isa_state, observable)]).result()[0].data.evs) == pytest.approx(1.0, abs=0.05)
    backend = sampler.backend()
    assert backend.num_qubits == target.num_qubits and backend.max_shots == target.max_shots


def test_options_pass_through_to_the_backend(placement):
    # default_shots in the options dict, as with Qiskit Runtime; noise is the simulator's extension.
    noisy = SamplerV2(options={"default_shots": 300, "simulator": {"noise": {"readout": {"p01": 0.5, "p10": 0.5}}}}, seed=3)
    counts = noisy.run([bell()]).result()[0].data.meas.get_counts()
    assert sum(counts.values()) == 300
    assert set(counts) == {"00", "01", "10", "11"}
    # Readout mitigation, by step name or by IBM's resilience_level, runs and says so in the metadata.
    noise = {"simulator": {"noise": {"readout": {"p01": 0.05, "p10": 0.05}}}}
    raw = EstimatorV2(seed=3, options=noise).run([(bell(measure=False), "ZZ")]).result()
    assert float(raw[0].data.evs) < 0.9
    for mitigated in (EstimatorV2(mitigation=["readout"], seed=3, options=noise), EstimatorV2(resilience_level=1, seed=3, options=noise)):
        result = mitigated.run([(bell(measure=False), "ZZ")]).result()
        assert float(result[0].data.evs) == pytest.approx(1.0, abs=0.1)
        assert [step["name"] for step in result.metadata["pipeline"]][0] == "readout"
        assert "measure_mitigation" in result[0].metadata["resilience"]


def test_a_backend_that_was_not_granted_is_refused_before_anything_runs(placement):
    with pytest.raises(QrunError) as caught:
        SamplerV2(backend="ibm_fez")
    assert caught.value.code in ("BACKEND_NOT_GRANTED", "BACKEND_UNKNOWN")
    assert caught.value.hint
