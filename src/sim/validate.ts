/** Checks of the options an engine receives; every failure is OPTION_INVALID naming the field. */
import { QrunError } from '../errors.js';
import type { NoiseModel, SampleOptions } from './api.js';

function invalid(field: string, expected: string, got: unknown): QrunError {
  return new QrunError('OPTION_INVALID', `${field} must be ${expected}, got ${String(got)}`, {
    details: { field, expected },
  });
}

function probability(field: string, v: unknown): void {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw invalid(field, 'a probability in [0, 1]', v);
}

export function checkNoise(noise: NoiseModel | undefined): void {
  if (noise === undefined) return;
  if (noise.depolarizing !== undefined) {
    probability('noise.depolarizing.p1', noise.depolarizing.p1);
    probability('noise.depolarizing.p2', noise.depolarizing.p2);
  }
  if (noise.readout !== undefined) {
    probability('noise.readout.p01', noise.readout.p01);
    probability('noise.readout.p10', noise.readout.p10);
  }
  if (noise.amplitudeDamping !== undefined) probability('noise.amplitudeDamping.gamma', noise.amplitudeDamping.gamma);
}

export function checkSeed(seed: unknown): void {
  if (typeof seed !== 'number' || !Number.isFinite(seed)) throw invalid('seed', 'a finite number', seed);
}

export function checkSampleOptions(options: SampleOptions): void {
  if (!Number.isSafeInteger(options.shots) || options.shots < 1) {
    throw invalid('shots', 'a positive integer', options.shots);
  }
  checkSeed(options.seed);
  checkNoise(options.noise);
}

export function checkTrajectories(trajectories: unknown): void {
  if (typeof trajectories !== 'number' || !Number.isSafeInteger(trajectories) || trajectories < 1) {
    throw invalid('trajectories', 'a positive integer', trajectories);
  }
}
