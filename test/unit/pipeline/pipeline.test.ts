import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  builtinRegistry,
  contextKey,
  createRegistry,
  defineStep,
  parseMitigationFlag,
  PipelineStepError,
  preparePipeline,
  resolvePipeline,
  runPipeline,
  selectPipeline,
  type Batch,
  type Results,
  type StepDefinition,
} from '../../../src/pipeline/index.js';
import { batchOf, circuit, estimatorPub, gate, request } from './helpers.js';

const log = contextKey<string[]>('test.log');

/** A step that appends `<name>:pre` / `<name>:post` to a shared log. */
function tracer(name: string): StepDefinition {
  return defineStep({
    name,
    version: '0.1.0',
    description: 'records hook order',
    kinds: ['sampler', 'estimator'],
    options: z.object({}).strict(),
    pre(batch, ctx) {
      ctx.shared.set(log, [...(ctx.shared.get(log) ?? []), `${name}:pre`]);
      return batch;
    },
    post(results, ctx) {
      const entries = [...(ctx.shared.get(log) ?? []), `${name}:post`];
      ctx.shared.set(log, entries);
      ctx.note('log', entries);
      return results;
    },
  });
}

const empty: Results = { sampler: [], estimator: [], metadata: {} };
const noop = async (): Promise<Results> => empty;
const pub = estimatorPub(circuit(1, [gate('h', [0])]), ['X'], 100);

describe('pipeline runner', () => {
  it('runs pre hooks in order, execute once, post hooks in reverse, sharing one context', async () => {
    const registry = createRegistry([tracer('a'), tracer('b')]);
    let calls = 0;
    const run = await runPipeline(resolvePipeline([{ name: 'a' }, { name: 'b' }], registry, 'estimator'), batchOf({ estimator: [pub] }), request('estimator'), async () => {
      calls++;
      return empty;
    });
    expect(calls).toBe(1);
    const notes = run.results.metadata.pipeline as { name: string; log: string[] }[];
    expect(notes.map((n) => n.name)).toEqual(['a', 'b']);
    expect(notes[0]!.log).toEqual(['a:pre', 'b:pre', 'b:post', 'a:post']);
  });

  it('keeps concurrent requests apart: each sees only its own shared state', async () => {
    const seen = contextKey<number>('test.request');
    const step = defineStep({
      name: 'probe',
      version: '1.0.0',
      description: 'writes the request seed, waits, reads it back',
      kinds: ['estimator'],
      options: z.object({}).strict(),
      async pre(batch: Batch, ctx) {
        expect(ctx.shared.get(seen)).toBeUndefined();
        ctx.shared.set(seen, ctx.request.seed);
        await new Promise((r) => setTimeout(r, 5 + (ctx.request.seed % 3)));
        return batch;
      },
      post(results, ctx) {
        ctx.note('seen', ctx.shared.get(seen));
        return results;
      },
    }) as StepDefinition;
    const steps = resolvePipeline([{ name: 'probe' }], createRegistry([step]), 'estimator');
    const runs = await Promise.all(Array.from({ length: 12 }, (_, seed) => runPipeline(steps, batchOf({ estimator: [pub] }), request('estimator', seed), noop)));
    runs.forEach((run, seed) => expect((run.results.metadata.pipeline as { seen: number }[])[0]!.seen).toBe(seed));
  });

  it('turns a failing post into a coded error naming the step, with the partial results; earlier steps do not run', async () => {
    const boom = defineStep({
      name: 'boom',
      version: '1.0.0',
      description: 'fails in post',
      kinds: ['estimator'],
      options: z.object({}).strict(),
      post() {
        throw new Error('fit diverged');
      },
    }) as StepDefinition;
    const registry = createRegistry([tracer('outer'), boom]);
    const partial: Results = { sampler: [], estimator: [{ shape: [], evs: [0.5], stds: [0.1], ensembleStandardError: [0.1], metadata: {} }], metadata: {} };
    const error = await runPipeline(resolvePipeline([{ name: 'outer' }, { name: 'boom' }], registry, 'estimator'), batchOf({ estimator: [pub] }), request('estimator'), async () => partial).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineStepError);
    const e = error as PipelineStepError;
    expect(e.code).toBe('PIPELINE_STEP_FAILED');
    expect(e.message).toMatch(/"boom".*post.*fit diverged/);
    expect(e).toMatchObject({ step: 'boom', position: 1, phase: 'post', details: { step: 'boom', has_results: true } });
    expect(e.partial.results).toBe(partial);
  });

  it('a failing pre stops before execution, with the batch as it was', async () => {
    const zne = resolvePipeline([{ name: 'zne' }], builtinRegistry(), 'estimator');
    const dynamic = estimatorPub(circuit(1, [gate('x', [0]), { kind: 'reset', qubit: 0 }]), ['Z']);
    let executed = false;
    const error = await runPipeline(zne, batchOf({ estimator: [dynamic] }), request('estimator'), async () => {
      executed = true;
      return empty;
    }).catch((e: unknown) => e);
    expect(executed).toBe(false);
    expect(error).toMatchObject({ code: 'PIPELINE_STEP_FAILED', step: 'zne', phase: 'pre', details: { cause_code: 'CIRCUIT_UNSUPPORTED', has_results: false } });
  });
});

describe('options validation (before any work)', () => {
  const registry = builtinRegistry();
  it('refuses an unknown step, listing the known ones', () => {
    expect(() => resolvePipeline([{ name: 'zne' }, { name: 'pec' }], registry, 'estimator')).toThrow(
      expect.objectContaining({ code: 'PIPELINE_UNKNOWN_STEP', details: expect.objectContaining({ step: 'pec', position: 1 }) }),
    );
  });

  it('refuses bad options, naming the step and the field', () => {
    const bad = (name: string, options: unknown): unknown => {
      try {
        resolvePipeline([{ name, options }], registry, 'estimator');
      } catch (e) {
        return e;
      }
      return undefined;
    };
    expect(bad('zne', { noise_factors: [0.5, 1] })).toMatchObject({ code: 'PIPELINE_OPTIONS_INVALID', message: expect.stringMatching(/"zne"[\s\S]*noise_factors\.\[0\]/) });
    expect(bad('zne', { noise_factors: [1, 3], extrapolator: 'polynomial_degree_2' })).toMatchObject({ message: expect.stringMatching(/needs at least 3/) });
    expect(bad('zne', { nosie_factors: [1, 3] })).toMatchObject({ code: 'PIPELINE_OPTIONS_INVALID' });
    expect(bad('twirling', { num_randomizations: 0 })).toMatchObject({ details: { step: 'twirling' } });
    expect(bad('dynamical_decoupling', { sequence_type: 'XY8' })).toMatchObject({ code: 'PIPELINE_OPTIONS_INVALID' });
  });

  it('refuses a step for a primitive it does not apply to', () => {
    expect(() => resolvePipeline([{ name: 'zne' }], registry, 'sampler')).toThrow(expect.objectContaining({ code: 'PIPELINE_OPTIONS_INVALID', message: expect.stringMatching(/does not apply to the sampler/) }));
  });
});

describe('selection', () => {
  const names = (specs: { name: string }[]): string[] => specs.map((s) => s.name);
  it("maps IBM's resilience levels", () => {
    expect(selectPipeline({ kind: 'estimator', options: {}, resilienceLevel: 0 })).toEqual([]);
    expect(names(selectPipeline({ kind: 'estimator', options: {}, resilienceLevel: 1 }))).toEqual(['readout', 'twirling']);
    expect(selectPipeline({ kind: 'estimator', options: {}, resilienceLevel: 1 })[1]).toMatchObject({ options: { enable_gates: false, enable_measure: true } });
    expect(names(selectPipeline({ kind: 'estimator', options: {}, resilienceLevel: 2 }))).toEqual(['zne', 'readout', 'twirling']);
    expect(selectPipeline({ kind: 'estimator', options: {} })).toEqual([]);
  });

  it('lets explicit fields override the level, and passes their options on', () => {
    const specs = selectPipeline({
      kind: 'estimator',
      resilienceLevel: 2,
      options: {
        resilience: { measure_mitigation: false, zne: { noise_factors: [1, 2, 3], extrapolator: 'linear', amplifier: 'gate_folding' } },
        twirling: { enable_gates: false, enable_measure: false },
        dynamical_decoupling: { enable: true, sequence_type: 'XY4' },
      },
    });
    expect(specs).toEqual([
      { name: 'zne', options: { noise_factors: [1, 2, 3], extrapolator: 'linear', amplifier: 'two_qubit' } },
      { name: 'dynamical_decoupling', options: { sequence_type: 'XY4' } },
    ]);
    expect(() => preparePipeline({ kind: 'estimator', resilienceLevel: 2, options: { resilience: { zne: { noise_factors: [1, 2, 3] } } } })).not.toThrow();
  });

  it('takes an explicit ordered pipeline, and the --mitigation flag over both', () => {
    const options = { pipeline: [{ name: 'twirling', options: { num_randomizations: 4 } }, { name: 'readout' }], resilience: { zne_mitigation: true } };
    expect(selectPipeline({ kind: 'estimator', options })).toEqual([
      { name: 'twirling', options: { num_randomizations: 4 } },
      { name: 'readout', options: {} },
    ]);
    expect(names(selectPipeline({ kind: 'estimator', options, mitigation: parseMitigationFlag('zne, dd') }))).toEqual(['zne', 'dynamical_decoupling']);
    expect(() => parseMitigationFlag(' , ')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });

  it('refuses malformed mitigation options with their path', () => {
    expect(() => selectPipeline({ kind: 'estimator', options: { twirling: { enable_gates: 'yes' } } })).toThrow(
      expect.objectContaining({ code: 'PIPELINE_OPTIONS_INVALID', message: expect.stringMatching(/options\.twirling\.enable_gates/) }),
    );
    expect(() => selectPipeline({ kind: 'sampler', options: { pipeline: [{ step: 'zne' }] } })).toThrow(expect.objectContaining({ code: 'PIPELINE_OPTIONS_INVALID' }));
  });

  it('lists every built-in step with its options as JSON Schema', () => {
    const steps = builtinRegistry().listSteps();
    expect(steps.map((s) => s.name)).toEqual(['zne', 'readout', 'twirling', 'dynamical_decoupling']);
    const zne = steps[0]!.options as { properties: Record<string, { default?: unknown }> };
    expect(zne.properties.noise_factors?.default).toEqual([1, 3, 5]);
    for (const s of steps) expect(s.options).toMatchObject({ type: 'object', additionalProperties: false });
  });
});
