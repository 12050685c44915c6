/**
 * Payloads written by real qiskit-ibm-runtime's RuntimeEncoder (ndarray parameter values,
 * SparsePauliOp and numpy observables, BindingsArray, ObservablesArray) are read by
 * parseSamplerParams/parseEstimatorParams and give Qiskit's StatevectorEstimator values to 1e-9.
 * One Python process (encode_payloads.py) writes every payload and expected result.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';

interface Case {
  name: string;
  kind: 'sampler' | 'estimator';
  payload: string;
  shape?: number[];
  evs?: number[];
  error?: string;
}

const skip = pythonSkipReason();
let cases: Case[] = [];

beforeAll(() => {
  if (skip !== '') return;
  const script = fileURLToPath(new URL('./encode_payloads.py', import.meta.url));
  const run = spawnSync(venvPython(), [script], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (run.status !== 0) throw new Error(`encode_payloads.py failed (${String(run.status)}):\n${run.stderr}`);
  cases = JSON.parse(run.stdout) as Case[];
}, 180_000);

async function run(c: Case) {
  const payload: unknown = JSON.parse(c.payload);
  if (c.kind === 'sampler') return runSampler(parseSamplerParams(payload), { seed: 3 });
  return runEstimator(parseEstimatorParams(payload), { seed: 3 });
}

async function failure(work: () => Promise<unknown>): Promise<QrunError> {
  try {
    await work();
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected a QrunError');
}

describe.skipIf(skip !== '')('payloads written by qiskit_ibm_runtime.RuntimeEncoder', () => {
  it('a QPY circuit is refused with the one-line fix, never a stack trace', async () => {
    const qpy = cases.filter((c) => c.name.includes('QPY'));
    expect(qpy).toHaveLength(2);
    for (const c of qpy) {
      const error = await failure(() => run(c));
      expect(error.code, c.name).toBe('PAYLOAD_INVALID');
      expect(error.message).toMatch(/^pubs\[0\] circuit: is a QPY-encoded QuantumCircuit/);
      expect(error.hint).toContain('qiskit.qasm3.dumps(circuit)');
    }
  });

  it('sampler: ndarray parameter values give the PUB shape', async () => {
    for (const c of cases.filter((k) => k.kind === 'sampler' && k.error === undefined)) {
      const outcome = await run(c);
      expect(outcome.pubs[0]!.shape, c.name).toEqual(c.shape);
    }
  });

  it('estimator: every observable and parameter form gives Qiskit’s exact values to 1e-9', async () => {
    const failures: string[] = [];
    const exact = cases.filter((k) => k.kind === 'estimator' && k.error === undefined);
    expect(exact.length).toBeGreaterThanOrEqual(5);
    for (const c of exact) {
      try {
        const outcome = await run(c);
        if (outcome.kind !== 'estimator') throw new Error('not an estimator outcome');
        const pub = outcome.pubs[0]!;
        if (JSON.stringify(pub.shape) !== JSON.stringify(c.shape)) failures.push(`${c.name}: shape ${JSON.stringify(pub.shape)} vs Qiskit ${JSON.stringify(c.shape)}`);
        pub.evs.forEach((v, k) => {
          if (!(Math.abs(v - c.evs![k]!) <= 1e-9)) failures.push(`${c.name} [${k}]: ${v} vs Qiskit ${c.evs![k]}`);
        });
      } catch (error) {
        failures.push(`${c.name}: ${error instanceof QrunError ? `[${error.code}] ` : ''}${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('estimator: a non-Hermitian SparsePauliOp is refused, naming the PUB', async () => {
    const c = cases.find((k) => k.error === 'OBSERVABLE_INVALID')!;
    const error = await failure(() => run(c));
    expect(error.code).toBe('OBSERVABLE_INVALID');
    expect(error.message).toMatch(/^pubs\[0\] observables: .*complex/);
  });
});
