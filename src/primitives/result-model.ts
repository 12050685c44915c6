/**
 * What a primitive run produces, before it is written as plain JSON, in Qiskit's encoding, or wrapped
 * in the library's result classes. One model, three renderings.
 */
import type { Shape } from './shape.js';

/**
 * One classical register's samples over a PUB, laid out exactly as Qiskit's BitArray array:
 * shape (...pub shape, shots, ceil(numBits/8)) of uint8, each shot's bytes big-endian (the last byte
 * holds register bits 0–7, bit 0 in its least significant bit).
 */
export interface RegisterSamples {
  readonly name: string;
  readonly numBits: number;
  readonly shape: Shape;
  readonly shots: number;
  readonly bytes: Uint8Array;
}

export interface SamplerPubOutcome {
  readonly shape: Shape;
  readonly shots: number;
  /** In the circuit's declaration order. */
  readonly registers: readonly RegisterSamples[];
  readonly metadata: Record<string, unknown>;
}

export interface EstimatorPubOutcome {
  readonly shape: Shape;
  /** C-order over shape. */
  readonly evs: readonly number[];
  readonly stds: readonly number[];
  readonly ensembleStandardError: readonly number[];
  readonly metadata: Record<string, unknown>;
}

export interface SamplerOutcome {
  readonly kind: 'sampler';
  readonly pubs: readonly SamplerPubOutcome[];
  readonly metadata: Record<string, unknown>;
}

export interface EstimatorOutcome {
  readonly kind: 'estimator';
  readonly pubs: readonly EstimatorPubOutcome[];
  readonly metadata: Record<string, unknown>;
}

export type PrimitiveOutcome = SamplerOutcome | EstimatorOutcome;
