/**
 * Checked Sampler/Estimator params back to a V2 payload, for sending to the job gateway. The client
 * library and `qrun` hold params already parsed (envelopes decoded, observables checked); the
 * gateway parses the payload again on its side, as every server must.
 */
import type { Observable, ObservableArray } from '../../primitives/observables.js';
import type { EstimatorParams, SamplerParams } from '../../primitives/payload.js';
import { nest } from '../../primitives/shape.js';

function observableJson(observable: Observable): Record<string, number> {
  const out: Record<string, number> = {};
  for (const term of observable.terms) out[term.label] = (out[term.label] ?? 0) + term.coeff;
  return out;
}

function observablesJson(array: ObservableArray): unknown {
  return nest(array.items.map(observableJson), array.shape);
}

export function samplerPayload(params: SamplerParams): Record<string, unknown> {
  return {
    pubs: params.pubs.map((pub) => [pub.circuit, pub.parameterValues ?? null, pub.shots ?? null]),
    version: 2,
    ...(params.shots === undefined ? {} : { shots: params.shots }),
    options: params.options,
  };
}

export function estimatorPayload(params: EstimatorParams): Record<string, unknown> {
  return {
    pubs: params.pubs.map((pub) => [pub.circuit, observablesJson(pub.observables), pub.parameterValues ?? null, pub.precision ?? null]),
    version: 2,
    ...(params.precision === undefined ? {} : { precision: params.precision }),
    ...(params.resilienceLevel === undefined ? {} : { resilience_level: params.resilienceLevel }),
    options: params.options,
  };
}
