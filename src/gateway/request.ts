/** The body of `POST /v1/tasks`. */
import { z } from 'zod';

export const taskRequestSchema = z
  .object({
    program_id: z.enum(['sampler', 'estimator']),
    /** A granted backend; default: the job's first. */
    backend: z.string().min(1).optional(),
    /** Sampler/Estimator V2 params (the `params` of a Qiskit Runtime job). */
    params: z.record(z.string(), z.unknown()),
    /** What `qrun --shots/--precision/--seed` override. */
    options: z
      .object({
        shots: z.number().int().positive().optional(),
        precision: z.number().positive().optional(),
        seed: z.number().int().nonnegative().max(2 ** 32 - 1).optional(),
        /** Mitigation steps by name, as `qrun --mitigation`. */
        mitigation: z.array(z.string().min(1)).max(32).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export interface TaskRequest {
  readonly programId: 'sampler' | 'estimator';
  readonly backend: string | undefined;
  readonly params: Record<string, unknown>;
  readonly options: {
    readonly shots?: number | undefined;
    readonly precision?: number | undefined;
    readonly seed?: number | undefined;
    readonly mitigation?: readonly string[] | undefined;
  };
}
