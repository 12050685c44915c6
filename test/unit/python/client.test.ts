/**
 * The Python client (python/slurm_qpu) with real Qiskit from PyPI against a real job gateway started
 * in this process (Unix socket, job token), and outside a job through the real `qrun` executable.
 * Each case is a pytest test in python/tests/; the suite runs once per place in beforeAll and each
 * case here reports its outcome, with pytest's failure text when it fails.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { heldRunner, startTestGateway, type TestGateway } from '../gateway/helpers.js';
import { ROOT, runPytest, type PytestRun } from './pytest-run.js';

const skipReason = pythonSkipReason();
const built = existsSync(join(ROOT, 'dist', 'cli', 'main.js'));
if (!built && process.env['CI'] === 'true') throw new Error('CI=true: dist/ is missing; run npm run build:ts before the unit tests');

function expectPassed(run: PytestRun | undefined, file: string, test: string): void {
  if (run === undefined) throw new Error('pytest did not run (see beforeAll)');
  const { status, detail } = run.outcome(file, test);
  expect(status, `${file}::${test}\n${detail}`).toBe('passed');
}

describe.skipIf(skipReason !== '')('Python client inside a QPU job (the job gateway)', () => {
  let gateway: TestGateway | undefined;
  let held: TestGateway | undefined;
  let tcp: TestGateway | undefined;
  let run: PytestRun | undefined;
  let cancelRun: PytestRun | undefined;
  let tcpRun: PytestRun | undefined;

  beforeAll(async () => {
    const python = venvPython();
    gateway = await startTestGateway();
    const jobEnv = (gw: TestGateway) => ({ QRUN_ENDPOINT: gw.endpoint, QRUN_TOKEN: gw.token, QRUN_BACKENDS: 'sim' });
    run = await runPytest(python, ['tests/test_primitives.py', 'tests/test_units.py'], jobEnv(gateway));
    // Tasks on this gateway wait until cancelled, so "running" and "queued" are states, not races.
    held = await startTestGateway({ runners: { sim: heldRunner().runner } });
    cancelRun = await runPytest(python, ['tests/test_cancel.py'], { ...jobEnv(held), SLURM_QPU_TEST_HELD_GATEWAY: '1' });
    // A gateway started with loopback TCP: the same client over http://127.0.0.1:PORT.
    tcp = await startTestGateway({ config: { tcp: true } });
    tcpRun = await runPytest(
      python,
      ['tests/test_primitives.py::test_bell_counts_are_half_00_half_11', 'tests/test_primitives.py::test_estimator_bell_zz_is_one_and_shapes_broadcast'],
      { ...jobEnv(tcp), QRUN_ENDPOINT: `http://127.0.0.1:${String(tcp.server.tcpPort)}` },
    );
  }, 600_000);

  afterAll(async () => {
    await gateway?.stop();
    await held?.stop();
    await tcp?.stop();
  });

  it('reaches a gateway on loopback TCP (QRUN_ENDPOINT=http://127.0.0.1:PORT) as on its Unix socket', () => {
    expectPassed(tcpRun, 'test_primitives', 'test_bell_counts_are_half_00_half_11');
    expectPassed(tcpRun, 'test_primitives', 'test_estimator_bell_zz_is_one_and_shapes_broadcast');
  });

  it('samples a Bell pair: about half 00, half 11, in a BitArray named meas', () => expectPassed(run, 'test_primitives', 'test_bell_counts_are_half_00_half_11'));
  it('keeps several classical registers with their names, widths and bit order', () =>
    expectPassed(run, 'test_primitives', 'test_several_registers_keep_their_names_widths_and_bit_order'));
  it('binds ParameterVector values (θ[0]..θ[11], renamed by the exporter) in circuit order', () =>
    expectPassed(run, 'test_primitives', 'test_parameter_vector_values_bind_in_circuit_order'));
  it('estimates <ZZ> = 1 on a Bell state, with evs/stds in the broadcast shape', () =>
    expectPassed(run, 'test_primitives', 'test_estimator_bell_zz_is_one_and_shapes_broadcast'));
  it('runs a VQE-style loop of five estimator calls that lowers the energy', () =>
    expectPassed(run, 'test_primitives', 'test_a_vqe_loop_of_five_estimator_calls_lowers_the_energy'));
  it('reports job status, and cancels a queued and a running task', () => {
    expectPassed(run, 'test_primitives', 'test_a_finished_job_cannot_be_cancelled');
    expectPassed(cancelRun, 'test_cancel', 'test_cancel_a_queued_and_a_running_task');
  });
  it("raises QrunError with the project's code and hint for a circuit that does not fit or uses unsupported OpenQASM", () => {
    expectPassed(run, 'test_primitives', 'test_a_circuit_too_wide_for_the_backend_fails_with_the_projects_code_and_hint');
    expectPassed(run, 'test_primitives', 'test_an_unsupported_openqasm_feature_fails_with_a_qasm_code');
  });
  it('runs a for loop as qasm3.dumps writes it', () => expectPassed(run, 'test_primitives', 'test_a_for_loop_written_by_qiskit_runs'));
  it("transpiles with the granted backend's target() and runs the result", () => expectPassed(run, 'test_primitives', 'test_target_transpile_run'));
  it('passes options, mitigation and resilience_level through to the backend', () => expectPassed(run, 'test_primitives', 'test_options_pass_through_to_the_backend'));
  it('refuses a backend the job was not granted', () =>
    expectPassed(run, 'test_primitives', 'test_a_backend_that_was_not_granted_is_refused_before_anything_runs'));
  it('passes its unit tests (placement, errors, decoding, encoding, targets)', () => {
    for (const test of [
      'test_qrun_error_shows_code_message_and_hint_and_survives_pickling',
      'test_outside_a_job_only_sim_exists_and_qrun_must_be_found',
      'test_inside_a_job_the_grant_and_the_token_are_checked_before_anything_is_sent',
      'test_options_are_checked_when_given',
      'test_samples_decode_into_bitarrays_with_qiskits_bit_order_at_any_width',
      'test_estimator_values_take_the_pub_shape',
      'test_estimator_pubs_travel_as_qasm_labels_and_values_by_declared_name',
      'test_a_target_follows_basis_gates_and_coupling_map',
    ]) {
      expectPassed(run, 'test_units', test);
    }
  });
});

describe.skipIf(skipReason !== '' || !built)('Python client outside a job (qrun and the built-in simulator)', () => {
  let dir = '';
  let run: PytestRun | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qpu-qrun-bin-'));
    const wrapper = join(dir, 'qrun');
    await writeFile(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(join(ROOT, 'bin', 'qrun.js'))} "$@"\n`);
    await chmod(wrapper, 0o755);
    run = await runPytest(venvPython(), ['tests/test_primitives.py'], { QRUN_BIN: wrapper });
  }, 600_000);

  afterAll(async () => {
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  for (const test of [
    'test_bell_counts_are_half_00_half_11',
    'test_several_registers_keep_their_names_widths_and_bit_order',
    'test_parameter_vector_values_bind_in_circuit_order',
    'test_estimator_bell_zz_is_one_and_shapes_broadcast',
    'test_a_vqe_loop_of_five_estimator_calls_lowers_the_energy',
    'test_a_finished_job_cannot_be_cancelled',
    'test_cancelling_a_local_run_stops_it',
    'test_a_circuit_too_wide_for_the_backend_fails_with_the_projects_code_and_hint',
    'test_an_unsupported_openqasm_feature_fails_with_a_qasm_code',
    'test_a_for_loop_written_by_qiskit_runs',
    'test_target_transpile_run',
    'test_options_pass_through_to_the_backend',
    'test_a_backend_that_was_not_granted_is_refused_before_anything_runs',
  ]) {
    it(`${test.replace(/^test_/, '').replace(/_/g, ' ')}`, () => expectPassed(run, 'test_primitives', test));
  }
});
