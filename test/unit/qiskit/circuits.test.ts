/**
 * Circuits written by real Qiskit (qasm3.dumps / qasm2.dumps of library, random and transpiled
 * circuits), run here and compared with Qiskit's own results: sampler distributions with Aer's
 * SamplerV2, estimator values with StatevectorEstimator. One Python process (reference_circuits.py)
 * writes every circuit and reference result; the comparisons then run on the TS and native engines.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseEstimatorParams, parseSamplerParams } from '../../../src/primitives/payload.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { chiSquareUpper, pooledTwoSampleChiSquare } from '../../helpers/statistics.js';

interface SamplerCase {
  name: string;
  qasm: string;
  version: 2 | 3;
  shots: number;
  parameter_values: unknown;
  registers: string[];
  counts: Record<string, number>[];
}

interface EstimatorCase {
  name: string;
  qasm: string;
  observables: Record<string, number>[];
  parameter_values: unknown;
  shape: number[];
  evs: number[];
}

const skip = pythonSkipReason();
const ENGINES = [
  ['ts', '0'],
  ['native', '1'],
] as const;

let reference: { sampler: SamplerCase[]; estimator: EstimatorCase[] } = { sampler: [], estimator: [] };

beforeAll(() => {
  if (skip !== '') return;
  const script = fileURLToPath(new URL('./reference_circuits.py', import.meta.url));
  const run = spawnSync(venvPython(), [script], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, timeout: 300_000 });
  if (run.status !== 0) throw new Error(`reference_circuits.py failed (${String(run.status)}):\n${run.stderr}`);
  reference = JSON.parse(run.stdout) as typeof reference;
}, 300_000);

describe.skipIf(skip !== '')('circuits written by Qiskit', () => {
  it('the reference covers the library, random, transpiled and OpenQASM 2 circuits', () => {
    const names = [...reference.sampler, ...reference.estimator].map((c) => c.name).join('\n');
    for (const expected of ['QFT', 'efficient_su2', 'real_amplitudes', 'QAOAAnsatz', 'grover_operator', 'conditional, reset', 'GenericBackendV2', 'qasm2.dumps']) {
      expect(names).toContain(expected);
    }
  });

  describe.each(ENGINES)('%s engine', (_label, native) => {
    const env = { QRUN_NATIVE: native };

    it('sampler distributions agree with Aer (two-sample χ², false-failure rate 1e-6 over all comparisons)', async () => {
      const comparisons = reference.sampler.reduce((n, c) => n + c.counts.length, 0);
      const failures: string[] = [];
      for (const [i, c] of reference.sampler.entries()) {
        const params = parseSamplerParams({ version: 2, pubs: [[c.qasm, c.parameter_values, c.shots]] });
        const outcome = await runSampler(params, { seed: 1000 + i, env });
        const pub = new SamplerPubResult(outcome.pubs[0]!);
        expect(pub.registers, c.name).toEqual(c.registers);
        c.counts.forEach((aer, e) => {
          const ours = pub.getCounts(undefined, pub.shape.length === 0 ? undefined : e);
          const { statistic, df } = pooledTwoSampleChiSquare(ours, aer);
          // Bonferroni: each comparison may fail a correct engine with probability 1e-6 / comparisons.
          const bound = chiSquareUpper(df, 1e-6 / comparisons);
          if (!(statistic < bound)) failures.push(`${c.name} [element ${e}]: χ² = ${statistic.toFixed(1)} ≥ ${bound.toFixed(1)} (df ${df})\n  ours ${JSON.stringify(ours)}\n  aer  ${JSON.stringify(aer)}`);
        });
      }
      expect(failures).toEqual([]);
    });

    it('joined registers follow Qiskit’s join_data() bit for bit', async () => {
      const c = reference.sampler.find((s) => s.registers.length > 1)!;
      const outcome = await runSampler(parseSamplerParams({ version: 2, pubs: [[c.qasm, null, c.shots]] }), { seed: 5, env });
      const ours = new SamplerPubResult(outcome.pubs[0]!).getCounts();
      expect(Object.keys(ours).sort()).toEqual(Object.keys(c.counts[0]!).sort());
    });

    it('estimator values equal StatevectorEstimator’s to 1e-9 (exact mode, precision 0)', async () => {
      const failures: string[] = [];
      for (const c of reference.estimator) {
        const params = parseEstimatorParams({ version: 2, pubs: [[c.qasm, c.observables, c.parameter_values, 0]] });
        const outcome = await runEstimator(params, { seed: 1, env });
        const pub = outcome.pubs[0]!;
        expect(pub.shape, c.name).toEqual(c.shape);
        pub.evs.forEach((v, k) => {
          const want = c.evs[k]!;
          if (!(Math.abs(v - want) <= 1e-9)) failures.push(`${c.name} [${k}]: ${v} vs Qiskit ${want}`);
        });
        expect(pub.stds.every((s) => s === 0)).toBe(true);
      }
      expect(failures).toEqual([]);
    });
  });
});
