/** `options.simulator.noise` (snake_case JSON) → the engines' NoiseModel. */
import type { NoiseModel } from '../sim/api.js';
import type { NoiseOptions } from './options.js';

export function toNoiseModel(noise: NoiseOptions | undefined): NoiseModel | undefined {
  if (noise === undefined) return undefined;
  const model: { -readonly [K in keyof NoiseModel]: NoiseModel[K] } = {};
  if (noise.depolarizing !== undefined) model.depolarizing = noise.depolarizing;
  if (noise.readout !== undefined) model.readout = noise.readout;
  if (noise.amplitude_damping !== undefined) model.amplitudeDamping = noise.amplitude_damping;
  return Object.keys(model).length === 0 ? undefined : model;
}
