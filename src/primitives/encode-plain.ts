/**
 * The plain JSON result (`support_qiskit: false`), the shape of IBM's sampler/estimator result schemas:
 * per register `{samples: ["0x3", ...], num_bits}`, estimator `evs`/`stds`/`ensemble_standard_error`,
 * each nested along the PUB shape.
 */
import { bytesPerShot, shotHex } from './bits.js';
import type { EstimatorOutcome, PrimitiveOutcome, RegisterSamples, SamplerOutcome } from './result-model.js';
import { nest, size, type NestedOf } from './shape.js';

interface PlainRegister {
  samples: NestedOf<string[]>;
  num_bits: number;
}

export interface PlainSamplerResult {
  results: { data: Record<string, PlainRegister>; metadata: Record<string, unknown> }[];
  metadata: Record<string, unknown>;
}

export interface PlainEstimatorResult {
  results: {
    data: { evs: NestedOf<number>; stds: NestedOf<number>; ensemble_standard_error: NestedOf<number> };
    metadata: Record<string, unknown>;
  }[];
  metadata: Record<string, unknown>;
}

function registerSamples(register: RegisterSamples): NestedOf<string[]> {
  const width = bytesPerShot(register.numBits);
  const elements: string[][] = [];
  for (let e = 0; e < size(register.shape); e++) {
    const samples = new Array<string>(register.shots);
    for (let s = 0; s < register.shots; s++) samples[s] = shotHex(register.bytes, (e * register.shots + s) * width, width);
    elements.push(samples);
  }
  return nest(elements, register.shape);
}

export function samplerToPlain(outcome: SamplerOutcome): PlainSamplerResult {
  return {
    results: outcome.pubs.map((pub) => ({
      data: Object.fromEntries(pub.registers.map((r) => [r.name, { samples: registerSamples(r), num_bits: r.numBits }])),
      metadata: pub.metadata,
    })),
    metadata: outcome.metadata,
  };
}

export function estimatorToPlain(outcome: EstimatorOutcome): PlainEstimatorResult {
  return {
    results: outcome.pubs.map((pub) => ({
      data: {
        evs: nest(pub.evs, pub.shape),
        stds: nest(pub.stds, pub.shape),
        ensemble_standard_error: nest(pub.ensembleStandardError, pub.shape),
      },
      metadata: pub.metadata,
    })),
    metadata: outcome.metadata,
  };
}

export function toPlain(outcome: PrimitiveOutcome): PlainSamplerResult | PlainEstimatorResult {
  return outcome.kind === 'sampler' ? samplerToPlain(outcome) : estimatorToPlain(outcome);
}
