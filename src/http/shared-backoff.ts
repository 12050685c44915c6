import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * "Do not call this backend before T", shared by every client of one backend on a node. When a
 * vendor answers 429 (or 503 with Retry-After) to one job's gateway, the other gateways on the node
 * hold back too, instead of each finding out with a request of its own — a hundred gateways that each
 * retry on their own schedule are exactly the stampede the vendor's rate limit is there to stop.
 *
 * The state is advisory: a missing, unreadable or corrupt record means "no wait", and a failed write
 * only costs the sharing, never the call.
 */
export interface SharedBackoff {
  /** What the wait is shared by: the backend name. */
  readonly key: string;
  /** Epoch ms before which no call should be sent; 0 when there is no wait. */
  notBefore(): Promise<number>;
  /** Moves the shared wait out to `until` (epoch ms); a later wait already recorded is kept. */
  defer(until: number): Promise<void>;
}

export function createMemoryBackoff(key: string): SharedBackoff {
  let until = 0;
  return {
    key,
    notBefore: () => Promise.resolve(until),
    defer: (next) => {
      until = Math.max(until, next);
      return Promise.resolve();
    },
  };
}

/** The file of one backend in the state directory; names outside [A-Za-z0-9_.-] are escaped. */
export function backoffFile(dir: string, backend: string): string {
  const safe = backend.replace(/[^A-Za-z0-9_.-]/g, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return join(dir, `${safe.startsWith('.') ? `%2e${safe.slice(1)}` : safe}.backoff.json`);
}

interface BackoffRecord {
  readonly backend: string;
  /** Epoch ms. */
  readonly not_before: number;
}

async function readUntil(file: string): Promise<number> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<BackoffRecord> | null;
    const until = parsed?.not_before;
    return typeof until === 'number' && Number.isFinite(until) ? until : 0;
  } catch {
    return 0;
  }
}

/**
 * One small JSON file per backend in `dir` (the gateway's state directory; created when missing).
 * Writes go to a temporary file renamed over the record, so a reader sees the old or the new record,
 * never half of one. Two writers racing both write a wait the vendor asked for; which one lands
 * first does not matter much, and `defer` rereads so a longer wait is not shortened by a later writer
 * that saw an older record.
 */
export function createSharedBackoff(dir: string, backend: string): SharedBackoff {
  const file = backoffFile(dir, backend);
  return {
    key: backend,
    notBefore: () => readUntil(file),
    async defer(until: number): Promise<void> {
      if (until <= (await readUntil(file))) return;
      await mkdir(dir, { recursive: true, mode: 0o755 });
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      const record: BackoffRecord = { backend, not_before: Math.round(until) };
      try {
        await writeFile(tmp, `${JSON.stringify(record)}\n`, { mode: 0o644 });
        await rename(tmp, file);
      } catch (error) {
        await unlink(tmp).catch(() => undefined);
        throw error;
      }
    },
  };
}
