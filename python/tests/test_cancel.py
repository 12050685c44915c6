"""Cancel on the job gateway, against a gateway whose tasks wait until cancelled (the vitest side
starts it and sets SLURM_QPU_TEST_HELD_GATEWAY), so "running" and "queued" are states, not races."""
import os

import pytest
from qiskit import QuantumCircuit
from qiskit.providers import JobStatus

from slurm_qpu import QrunError, SamplerV2

pytestmark = pytest.mark.skipif(
    os.environ.get("SLURM_QPU_TEST_HELD_GATEWAY") != "1", reason="needs a gateway whose tasks wait (SLURM_QPU_TEST_HELD_GATEWAY=1)"
)


def test_cancel_a_queued_and_a_running_task():
    circuit = QuantumCircuit(1)
    circuit.measure_all()
    sampler = SamplerV2()
    running = sampler.run([circuit])
    queued = sampler.run([circuit])
    assert running.job_id() != queued.job_id()
    assert running.status() == JobStatus.RUNNING and running.running() and not running.in_final_state()
    assert queued.status() == JobStatus.QUEUED and not queued.done()

    assert queued.cancel() is True
    assert queued.status() == JobStatus.CANCELLED and queued.cancelled() and queued.in_final_state()
    with pytest.raises(QrunError) as caught:
        queued.result()
    assert caught.value.code == "TASK_CANCELLED"

    assert running.cancel() is True
    with pytest.raises(QrunError) as caught:
        running.result()
    assert caught.value.code == "TASK_CANCELLED"
    assert running.cancelled() and running.cancel() is False
