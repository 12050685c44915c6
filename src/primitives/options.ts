/**
 * The `options` object of Sampler/Estimator V2 params. IBM's service knows many options (dynamical
 * decoupling, twirling, resilience...); they mean nothing to a simulator and are accepted as they are.
 * The ones this project acts on are typed here; `simulator.noise` is this project's own extension.
 */
import { z } from 'zod';

const probability = z.number().min(0).max(1);

const noiseSchema = z
  .object({
    /** Depolarizing probability after each 1-qubit gate (p1) and each 2-qubit gate (p2). */
    depolarizing: z.object({ p1: probability, p2: probability }).strict().optional(),
    /** Readout error: P(read 1 | prepared 0) and P(read 0 | prepared 1), every qubit. */
    readout: z.object({ p01: probability, p10: probability }).strict().optional(),
    /** Amplitude damping: decay probability after each gate on each qubit it touches. */
    amplitude_damping: z.object({ gamma: probability }).strict().optional(),
  })
  .strict();

export type NoiseOptions = z.infer<typeof noiseSchema>;

const simulatorSchema = z
  .looseObject({
    /** Seed for the simulator's sampling; a run with the same seed gives the same samples. */
    seed_simulator: z.number().int().nonnegative().optional(),
    noise: noiseSchema.optional(),
  });

export const samplerOptionsSchema = z.looseObject({
  /** Shots for PUBs that give none (when the params give no `shots` either). */
  default_shots: z.number().int().positive().optional(),
  simulator: simulatorSchema.optional(),
});

export const estimatorOptionsSchema = z.looseObject({
  /** Precision for PUBs that give none (when the params give no `precision` either); 0: exact values. */
  default_precision: z.number().nonnegative().optional(),
  /** Shots per PUB element; when set (and > 0) it overrides default_precision. */
  default_shots: z.number().int().nonnegative().optional(),
  seed_estimator: z.number().int().nonnegative().optional(),
  simulator: simulatorSchema.optional(),
});

export type SamplerOptions = z.infer<typeof samplerOptionsSchema>;
export type EstimatorOptions = z.infer<typeof estimatorOptionsSchema>;
