/**
 * Primitive payloads, plain and Qiskit-encoded, as `qrun sample|estimate` and the gateway read them:
 * the V2 params (src/primitives/payload.ts), the RuntimeEncoder envelopes (envelopes.ts, numpy.ts),
 * PUB preparation (circuits, bindings, observables: prepare.ts), the mitigation pipeline's selection,
 * and, when the work is small, the run itself on the TypeScript simulator.
 */
import fc from 'fast-check';
import { preparePipeline } from '../../../src/pipeline/index.js';
import { parseEstimatorParams, parseSamplerParams, type PrimitiveKind } from '../../../src/primitives/payload.js';
import { prepareEstimatorPubs, prepareSamplerPubs } from '../../../src/primitives/prepare.js';
import { runEstimator, runSampler } from '../../../src/primitives/run.js';
import { parseQasm } from '../../../src/qasm/index.js';
import { decodeValue, encodeValue, type FuzzTarget } from '../harness.js';
import { hostileValue, mutatedJson, npyBomb } from '../mutate.js';
import { payloadSeeds } from '../seeds.js';

export interface PayloadInput {
  readonly kind: PrimitiveKind;
  readonly payload: unknown;
}

/** The primitive a payload is for, guessed from its first PUB's second element (observables or values). */
function kindOf(payload: unknown): PrimitiveKind {
  const pub = (payload as { pubs?: unknown[] } | null)?.pubs?.[0];
  if (!Array.isArray(pub) || pub.length < 2) return 'sampler';
  const second: unknown = pub[1];
  const observableLike = (v: unknown, depth = 0): boolean =>
    typeof v === 'string' ||
    (Array.isArray(v) && depth < 4 && v.some((x) => observableLike(x, depth + 1))) || (typeof v === 'object' && v !== null && !Array.isArray(v) && (v as { __type__?: unknown }).__type__ !== 'ndarray' && (v as { __type__?: unknown }).__type__ !== 'BindingsArray');
  return observableLike(second) ? 'estimator' : 'sampler';
}

/** Small enough to simulate within a fuzz run: few qubits, few elements, few shots. */
const SMALL = { qubits: 6, elements: 16, shots: 256 };

const env = { QRUN_NATIVE: '0' } as const;

async function feedPayload({ kind, payload }: PayloadInput): Promise<void> {
  if (kind === 'sampler') {
    const params = parseSamplerParams(payload);
    const pubs = prepareSamplerPubs(params, parseQasm);
    const steps = preparePipeline({ kind, options: params.options });
    const small = pubs.every((p) => p.circuit.numQubits <= SMALL.qubits && p.shape.reduce((a, b) => a * b, 1) <= SMALL.elements && p.shots <= SMALL.shots);
    if (small && steps.length === 0) await runSampler(params, { env, seed: 1 });
    return;
  }
  const params = parseEstimatorParams(payload);
  const pubs = prepareEstimatorPubs(params, parseQasm);
  const steps = preparePipeline({ kind, options: params.options, resilienceLevel: params.resilienceLevel });
  const small = pubs.every((p) => p.circuit.numQubits <= SMALL.qubits && p.shape.reduce((a, b) => a * b, 1) <= SMALL.elements && p.shots <= SMALL.shots * 16);
  if (small && steps.length === 0) await runEstimator(params, { env, seed: 1 });
}

export const payloadTarget: FuzzTarget<PayloadInput> = {
  name: 'payload',
  door: 'parse{Sampler,Estimator}Params → prepare PUBs → pipeline selection → (small) run: payload files, library calls, gateway tasks',
  arbitrary: () => {
    const seeds = payloadSeeds().map((s) => s.value);
    const kinds = fc.constantFrom<PrimitiveKind>('sampler', 'estimator');
    return fc.oneof(
      { weight: 12, arbitrary: mutatedJson(seeds).map((payload) => ({ kind: kindOf(payload), payload })) },
      { weight: 2, arbitrary: fc.tuple(kinds, mutatedJson(seeds)).map(([kind, payload]) => ({ kind, payload })) },
      { weight: 1, arbitrary: fc.tuple(kinds, hostileValue).map(([kind, payload]) => ({ kind, payload })) },
      {
        // The IBM plugin's task-runner wrapper around any of the above.
        weight: 1,
        arbitrary: fc
          .tuple(kinds, fc.constantFrom<unknown>('sampler', 'estimator', 'nope', 7, null), mutatedJson(seeds))
          .map(([kind, programId, params]) => ({ kind, payload: { program_id: programId, parameters: params } })),
      },
    );
  },
  run: feedPayload,
  encode: encodeValue,
  decode: (text) => decodeValue(text) as PayloadInput,
};

/** Inputs that must always be replayed: a zlib bomb is too big to keep as a corpus file. */
export function payloadRegressions(): PayloadInput[] {
  return [
    { kind: 'sampler', payload: { pubs: [['OPENQASM 3.0; input float[64] a; qubit[1] q; rx(a) q[0];', npyBomb(160)]], version: 2 } },
  ];
}
