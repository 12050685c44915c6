/**
 * The vendor jobs a gateway let go (detached tasks, resumable tasks at the time limit), in
 * `detached.json` beside its usage file: the hook's release reads it before it cancels what the job
 * left at the vendor, and leaves these running. Written atomically by the gateway (service user);
 * read by root, which trusts only the ids in it (a list of strings it passes to the backend as
 * "do not cancel").
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const NAME = 'detached.json';

export async function writeDetachedJobs(dir: string, jobs: readonly { readonly backend: string; readonly id: string }[]): Promise<void> {
  const path = join(dir, NAME);
  const tmp = `${path}.tmp`;
  await writeFile(tmp, `${JSON.stringify({ jobs })}\n`, { mode: 0o600 });
  await rename(tmp, path);
}

/** Vendor job ids the gateway in `dir` detached, by backend; empty when none (or no file). */
export async function readDetachedJobs(dir: string): Promise<ReadonlyMap<string, readonly string[]>> {
  const byBackend = new Map<string, string[]>();
  let data: unknown;
  try {
    data = JSON.parse(await readFile(join(dir, NAME), 'utf8'));
  } catch {
    return byBackend;
  }
  const jobs = (data as { jobs?: unknown } | null)?.jobs;
  if (!Array.isArray(jobs)) return byBackend;
  for (const job of jobs) {
    const { backend, id } = (job ?? {}) as { backend?: unknown; id?: unknown };
    if (typeof backend !== 'string' || typeof id !== 'string') continue;
    byBackend.set(backend, [...(byBackend.get(backend) ?? []), id]);
  }
  return byBackend;
}
