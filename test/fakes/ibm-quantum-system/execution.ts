/**
 * Running one job the way the service does: read the input (inline `params` or the presigned
 * storage.input URL), run the PUBs on the project's own primitives (local simulator, env {}), and
 * upload the RuntimeEncoder result JSON and a log to the presigned results/logs URLs. Failures end the
 * job Failed with a reason, as the service reports them; they never throw.
 */
import { QrunError, parseEstimatorParams, parseSamplerParams, runEstimator, runSampler, toQiskit } from '../../../src/index.js';
import type { Fault } from './faults.js';
import type { FakeJob } from './jobs.js';
import { convertQpyCircuits } from './qpy.js';

/** reason_code values this fake reports (1517 is the one the vendor's client tests show). */
export const REASON = {
  inputUnreadable: 1514,
  resultsUploadFailed: 1515,
  invalidInput: 1517,
  timedOut: 1520,
  injected: 1599,
} as const;

export type ExecutionOutcome =
  | { readonly status: 'Completed'; readonly results: string; readonly logs: string; readonly quantumNanoseconds: number }
  | { readonly status: 'Failed'; readonly reasonCode: number; readonly reasonMessage: string; readonly reasonSolution: string; readonly logs: string };

export interface ExecutionDeps {
  /** The venv interpreter, asked for only when a job carries QPY circuits. */
  readonly python: () => string;
  /** How long a job stays Running before it finishes (slow QPU). */
  readonly runDelayMs: () => number;
  /** The `execution` fault armed for this job, if any. */
  readonly fault: Fault | undefined;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
}

async function readInput(job: FakeJob, signal: AbortSignal): Promise<unknown> {
  if (job.params !== undefined) return job.params;
  const url = job.storage.input?.presigned_url;
  if (url === undefined) throw new QrunError('PAYLOAD_INVALID', 'the job has neither params nor storage.input');
  const response = await fetch(url, { signal });
  const text = await response.text();
  if (!response.ok) throw new Error(`GET storage.input answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

async function upload(url: string | undefined, body: string, signal: AbortSignal): Promise<void> {
  if (url === undefined) return;
  const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'application/json' }, signal });
  if (!response.ok) throw new Error(`PUT answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
}

function logLine(level: string, message: string): string {
  return `${new Date().toISOString()} ${level} ${message}\n`;
}

async function run(job: FakeJob, params: unknown): Promise<{ results: string; shots: number }> {
  if (job.programId === 'sampler') {
    const parsed = parseSamplerParams(params);
    const outcome = await runSampler(parsed, { env: {} });
    const shots = outcome.pubs.reduce((sum, pub) => sum + (pub.registers[0]?.shots ?? 0) * pub.shape.reduce((a, b) => a * b, 1), 0);
    return { results: JSON.stringify(toQiskit(outcome)), shots };
  }
  const parsed = parseEstimatorParams(params);
  const outcome = await runEstimator(parsed, { env: {} });
  return { results: JSON.stringify(toQiskit(outcome)), shots: 0 };
}

/** Runs the job to its end; `signal` aborts it (cancel, timeout) and then nothing is uploaded. */
export async function execute(job: FakeJob, signal: AbortSignal, deps: ExecutionDeps): Promise<ExecutionOutcome | undefined> {
  let logs = logLine('INFO', `job ${job.id} started on ${job.backend} (${job.programId})`);
  const failed = (reasonCode: number, reasonMessage: string, reasonSolution: string): ExecutionOutcome => ({
    status: 'Failed',
    reasonCode,
    reasonMessage,
    reasonSolution,
    logs: (logs += logLine('ERROR', reasonMessage)),
  });
  await sleep(deps.runDelayMs(), signal);
  if (signal.aborted) return undefined;
  if (deps.fault?.kind === 'job-failed') {
    const outcome = failed(deps.fault.reasonCode ?? REASON.injected, deps.fault.reasonMessage ?? 'The job failed on the backend.', deps.fault.reasonSolution ?? 'Retry the job.');
    await upload(job.storage.logs?.presigned_url, outcome.logs, signal).catch(() => undefined);
    return outcome;
  }
  let params: unknown;
  try {
    params = await convertQpyCircuits(await readInput(job, signal), deps.python);
  } catch (error) {
    if (signal.aborted) return undefined;
    return failed(REASON.inputUnreadable, `The job input could not be read: ${(error as Error).message}`, 'Check the storage.input presigned URL and its expiry.');
  }
  let results: string;
  let shots: number;
  try {
    ({ results, shots } = await run(job, params));
  } catch (error) {
    const message = error instanceof QrunError ? `${error.code}: ${error.message}` : (error as Error).message;
    const outcome = failed(REASON.invalidInput, `The job input is not valid: ${message}`, 'Fix the primitive input (Qiskit primitives V2, OpenQASM 3 or QPY circuits).');
    await upload(job.storage.logs?.presigned_url, outcome.logs, signal).catch(() => undefined);
    return outcome;
  }
  if (signal.aborted) return undefined;
  logs += logLine('INFO', `job ${job.id} completed`);
  try {
    await upload(job.storage.results?.presigned_url, results, signal);
    await upload(job.storage.logs?.presigned_url, logs, signal);
  } catch (error) {
    if (signal.aborted) return undefined;
    return failed(REASON.resultsUploadFailed, `The job results could not be stored: ${(error as Error).message}`, 'Check the storage.results and storage.logs presigned URLs and their expiry.');
  }
  // Billed time grows with shots, as on hardware: ~0.2 ms per shot plus setup.
  return { status: 'Completed', results, logs, quantumNanoseconds: 50_000_000 + shots * 200_000 };
}
