"""The client's own pieces, without a backend: placement, errors, result decoding, encoding, targets."""
import json
import pickle

import numpy as np
import pytest
from qiskit import QuantumCircuit
from qiskit.circuit import ParameterVector
from qiskit.primitives.containers.estimator_pub import EstimatorPub
from qiskit.quantum_info import SparsePauliOp
from qiskit.transpiler import generate_preset_pass_manager

from slurm_qpu import EstimatorV2, QrunError, SamplerV2
from slurm_qpu.decode import estimator_result, sampler_result
from slurm_qpu.encode import estimator_pub_json
from slurm_qpu.target import build_target


def test_qrun_error_shows_code_message_and_hint_and_survives_pickling():
    error = QrunError("QASM_SYNTAX", "1:3: expected ';'", hint="Check the line.", details={"line": 1})
    assert str(error) == "[QASM_SYNTAX] 1:3: expected ';'\n  hint: Check the line."
    again = pickle.loads(pickle.dumps(error))
    assert (again.code, again.message, again.hint, again.details) == ("QASM_SYNTAX", "1:3: expected ';'", "Check the line.", {"line": 1})
    assert str(QrunError("INTERNAL", "boom")) == "[INTERNAL] boom"


def test_an_interrupted_run_is_a_resumable_task_interrupted_as_qrun_says_with_exit_75():
    from slurm_qpu import EXIT_INTERRUPTED, TaskInterrupted
    from slurm_qpu.qrun_cli import error_from_stderr

    line = json.dumps({"error": {"code": "TASK_INTERRUPTED", "message": "the run was interrupted", "hint": "In the next job: qrun resume r.json", "details": {"record": "/home/u/r.json"}}})
    error = error_from_stderr(f"progress\n{line}\n", 75)
    assert isinstance(error, TaskInterrupted) and error.resumable and error.exit_code == EXIT_INTERRUPTED == 75
    assert error.record == "/home/u/r.json"
    again = pickle.loads(pickle.dumps(error))
    assert isinstance(again, TaskInterrupted) and again.record == "/home/u/r.json"
    other = QrunError("QASM_SYNTAX", "bad")
    assert not isinstance(other, TaskInterrupted) and not other.resumable


def test_outside_a_job_only_sim_exists_and_qrun_must_be_found():
    with pytest.raises(QrunError) as caught:
        SamplerV2(backend="ibm_fez", env={})
    assert caught.value.code == "BACKEND_UNKNOWN" and "q_backend" in caught.value.hint
    sampler = SamplerV2(env={"PATH": "/nonexistent"})
    with pytest.raises(QrunError) as caught:
        sampler.run([QuantumCircuit(1)])
    assert caught.value.code == "QRUN_NOT_FOUND" and "QRUN_BIN" in caught.value.hint
    with pytest.raises(QrunError) as caught:
        SamplerV2(env={"QRUN_BIN": "/nonexistent/qrun"}).run([QuantumCircuit(1)])
    assert caught.value.code == "QRUN_NOT_FOUND"


def test_inside_a_job_the_grant_and_the_token_are_checked_before_anything_is_sent():
    job_env = {"QRUN_ENDPOINT": "unix:/nonexistent/gateway.sock", "QRUN_TOKEN": "t", "QRUN_BACKENDS": "sim,ibm_fez"}
    assert SamplerV2(env=job_env).backend_name == "sim"
    assert SamplerV2(backend="ibm_fez", env=job_env).backend_name == "ibm_fez"
    with pytest.raises(QrunError) as caught:
        EstimatorV2(backend="ibm_torino", env=job_env)
    assert caught.value.code == "BACKEND_NOT_GRANTED" and caught.value.details["granted"] == ["sim", "ibm_fez"]
    with pytest.raises(QrunError) as caught:
        SamplerV2(env={**job_env, "QRUN_TOKEN": ""})
    assert caught.value.code == "AUTH_FAILED"
    with pytest.raises(QrunError) as caught:
        SamplerV2(env=job_env).run([QuantumCircuit(1)])
    assert caught.value.code == "BACKEND_UNAVAILABLE" and "is not running" in caught.value.message


def test_options_are_checked_when_given():
    for bad in (dict(default_shots=0), dict(seed=-1), dict(mitigation="readout")):
        with pytest.raises(QrunError) as caught:
            SamplerV2(env={}, **bad)
        assert caught.value.code == "OPTION_INVALID"
    with pytest.raises(QrunError) as caught:
        EstimatorV2(env={}, resilience_level=3)
    assert caught.value.code == "OPTION_INVALID"


def test_samples_decode_into_bitarrays_with_qiskits_bit_order_at_any_width():
    plain = {
        "results": [
            {
                "data": {
                    "narrow": {"samples": [["0x1", "0x2"], ["0x3", "0x0"]], "num_bits": 2},
                    "wide": {"samples": [["0x201", "0x0"], ["0x0", "0x200000000000000000"]], "num_bits": 70},
                },
                "metadata": {"shots": 2},
            }
        ],
        "metadata": {"version": 2},
    }
    result = sampler_result(plain, [(2,)], [["a", "b"]])
    a, b = result[0].data.a, result[0].data.b
    assert a.shape == (2,) and a.num_shots == 2 and a.num_bits == 2
    assert a.get_bitstrings(0) == ["01", "10"] and a.get_bitstrings(1) == ["11", "00"]
    assert b.num_bits == 70 and b.array.shape == (2, 2, 9)
    assert b.get_bitstrings(0)[0] == "1000000001".rjust(70, "0")
    assert b.get_int_counts(1) == {0: 1, 1 << 69: 1}
    assert result.metadata == {"version": 2} and result[0].metadata == {"shots": 2}


def test_estimator_values_take_the_pub_shape():
    plain = {"results": [{"data": {"evs": [[1, 2, 3], [4, 5, 6]], "stds": [[0] * 3] * 2, "ensemble_standard_error": [[0] * 3] * 2}, "metadata": {}}], "metadata": {}}
    result = estimator_result(plain, [(2, 3)])
    assert result[0].data.evs.shape == (2, 3) and result[0].data.evs[1, 2] == 6.0
    scalar = estimator_result({"results": [{"data": {"evs": 0.5, "stds": 0.1}, "metadata": {}}], "metadata": {}}, [()])
    assert scalar[0].data.evs.shape == () and float(scalar[0].data.stds) == 0.1
    with pytest.raises(QrunError) as caught:
        estimator_result(plain, [(3, 3)])
    assert caught.value.code == "BACKEND_FAILED"


def test_estimator_pubs_travel_as_qasm_labels_and_values_by_declared_name():
    theta = ParameterVector("θ", 11)
    circuit = QuantumCircuit(2)
    for i, p in enumerate(theta):
        circuit.rx(p, i % 2)
    pub = EstimatorPub.coerce((circuit, [SparsePauliOp.from_list([("XZ", 0.5), ("ZX", -1.0)])], np.arange(22.0).reshape(2, 11)), 0.02)
    qasm, observables, values, precision = estimator_pub_json(pub)
    assert qasm.count("input float[64]") == 11
    assert observables == [{"XZ": 0.5, "ZX": -1.0}]
    # One BindingsArray-style key: the declared names in circuit.parameters order, values along them.
    [(key, rows)] = values.items()
    assert json.loads(key) == [f"_θ_{i}_" for i in range(11)]
    assert np.array(rows).shape == (2, 11) and rows[0][10] == 10.0
    assert precision == 0.02


def test_a_target_follows_basis_gates_and_coupling_map():
    metadata = {"num_qubits": 3, "basis_gates": ["rz", "sx", "x", "cz", "measure"], "coupling_map": [[0, 1], [1, 0], [1, 2], [2, 1]], "max_shots": 4000, "dt": 2e-9}
    target = build_target("line", metadata)
    assert target.num_qubits == 3 and target.max_shots == 4000 and target.dt == 2e-9
    assert {"rz", "sx", "x", "cz", "measure"} <= set(target.operation_names)
    assert "cx" not in target.operation_names
    assert sorted(target["cz"]) == [(0, 1), (1, 0), (1, 2), (2, 1)]
    ghz = QuantumCircuit(3)
    ghz.h(0)
    ghz.cx(0, 2)
    isa = generate_preset_pass_manager(optimization_level=1, target=target).run(ghz)
    assert set(isa.count_ops()) <= {"rz", "sx", "x", "cz"}
    for gate in isa.data:
        if gate.operation.name == "cz":
            pair = tuple(isa.find_bit(q).index for q in gate.qubits)
            assert pair in target["cz"]
    # The shot limit survives the copies the transpiler makes.
    assert pickle.loads(pickle.dumps(target)).max_shots == 4000
