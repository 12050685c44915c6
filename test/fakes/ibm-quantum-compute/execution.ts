/**
 * Runs a job's PUBs with the project's own public API (the built-in simulator, env {}), and encodes
 * the result the way IBM's service does: RuntimeEncoder JSON of a PrimitiveResult.
 */
import { parseEstimatorParams, parseSamplerParams, runEstimator, runSampler, toQiskit } from '../../../src/index.js';

export type ProgramId = 'sampler' | 'estimator';

export interface PreparedJob {
  readonly program: ProgramId;
  /** Runs on the simulator; resolves to the results body (JSON text). */
  run(): Promise<string>;
}

/** Checks the params now (IBM refuses bad params at submission); throws the project's QrunError. */
export function prepareJob(program: ProgramId, params: unknown): PreparedJob {
  if (program === 'sampler') {
    const parsed = parseSamplerParams(params);
    return { program, run: async () => JSON.stringify(toQiskit(await runSampler(parsed, { env: {} }))) };
  }
  const parsed = parseEstimatorParams(params);
  return { program, run: async () => JSON.stringify(toQiskit(await runEstimator(parsed, { env: {} }))) };
}
