/**
 * The body of `POST /v1/tasks`, checked by hand (zod would load on the gateway's start-up path; the
 * params inside are checked by the primitives' own schemas when the task is prepared).
 */
import type { TaskRequest } from '../backends/types.js';
import { QrunError } from '../errors.js';

export type { TaskRequest };

const FORM =
  'The body is {"program_id": "sampler"|"estimator"|"native", "backend"?: NAME, "params": {...}, "options"?: {shots?, precision?, seed?, mitigation?}, ' +
  '"durability"?: "job"|"resumable"|"detached", "attach"?: {"vendor_jobs": [{program, id}], "binding": TEXT, "owner_uid": UID}}.';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(problem: string): QrunError {
  return new QrunError('PAYLOAD_INVALID', `the task request is invalid: ${problem}`, { hint: FORM });
}

function unknownKeys(obj: Record<string, unknown>, known: readonly string[], where: string): void {
  const extra = Object.keys(obj).filter((k) => !known.includes(k));
  if (extra.length > 0) throw invalid(`${where}: unknown field${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
}

export function parseTaskRequest(body: unknown): TaskRequest {
  if (!isRecord(body)) throw invalid('body: expected a JSON object');
  unknownKeys(body, ['program_id', 'backend', 'params', 'options', 'durability', 'attach'], 'body');
  const programId = body['program_id'];
  if (programId !== 'sampler' && programId !== 'estimator' && programId !== 'native') throw invalid('program_id: expected "sampler", "estimator" or "native" (a vendor-native payload)');
  const backend = body['backend'];
  if (backend !== undefined && (typeof backend !== 'string' || backend === '')) throw invalid('backend: expected a backend name');
  const params = body['params'];
  if (!isRecord(params)) throw invalid('params: expected an object (Sampler/Estimator V2 params, or the vendor-native payload)');
  const options = body['options'] ?? {};
  if (!isRecord(options)) throw invalid('options: expected an object');
  unknownKeys(options, ['shots', 'precision', 'seed', 'mitigation'], 'options');
  const { shots, precision, seed, mitigation } = options;
  if (shots !== undefined && !(typeof shots === 'number' && Number.isSafeInteger(shots) && shots > 0)) throw invalid('options.shots: expected a positive integer');
  if (precision !== undefined && !(typeof precision === 'number' && Number.isFinite(precision) && precision >= 0)) throw invalid('options.precision: expected a number >= 0 (0: exact values where the backend can)');
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0 && seed <= 2 ** 32 - 1)) {
    throw invalid('options.seed: expected an integer from 0 to 2^32-1');
  }
  if (mitigation !== undefined && !(Array.isArray(mitigation) && mitigation.length <= 32 && mitigation.every((m) => typeof m === 'string' && m !== ''))) {
    throw invalid('options.mitigation: expected a list of step names');
  }
  const durability = body['durability'];
  if (durability !== undefined && durability !== 'job' && durability !== 'resumable' && durability !== 'detached') throw invalid('durability: expected "job", "resumable" or "detached"');
  return {
    programId,
    backend: backend,
    params,
    options: { shots: shots, precision: precision, seed: seed, mitigation: mitigation as string[] | undefined },
    durability,
    attach: parseAttach(body['attach']),
  };
}

function parseAttach(value: unknown): TaskRequest['attach'] {
  if (value === undefined) return undefined;
  if (!isRecord(value)) throw invalid('attach: expected an object');
  unknownKeys(value, ['vendor_jobs', 'binding', 'owner_uid'], 'attach');
  const jobs = value['vendor_jobs'];
  if (!Array.isArray(jobs) || jobs.length === 0 || jobs.length > 2) throw invalid('attach.vendor_jobs: expected one or two {program, id}');
  const vendorJobs = jobs.map((job, i) => {
    if (!isRecord(job) || (job['program'] !== 'sampler' && job['program'] !== 'estimator') || typeof job['id'] !== 'string' || job['id'] === '' || job['id'].length > 256) {
      throw invalid(`attach.vendor_jobs[${i}]: expected {program: "sampler"|"estimator", id: TEXT}`);
    }
    return { program: job['program'], id: job['id'] } as const;
  });
  const binding = value['binding'];
  if (typeof binding !== 'string' || binding === '' || binding.length > 128) throw invalid('attach.binding: expected the binding the earlier gateway gave');
  const ownerUid = value['owner_uid'];
  if (!(typeof ownerUid === 'number' && Number.isSafeInteger(ownerUid) && ownerUid >= 0)) throw invalid('attach.owner_uid: expected a uid');
  return { vendorJobs, binding, ownerUid };
}
