/**
 * The maintenance switch. A drained backend is refused at submit time by the shim (sbatch, salloc
 * and srun read the drain file as the user, as they read the catalogue), so nothing that cannot run
 * is queued; jobs already running finish. The file sits next to the catalogue, root-owned and
 * world-readable (`/etc/slurm/qpu.json` → `/etc/slurm/qpu.drain.json`), and survives restarts;
 * submit hosts need a copy, as they need the catalogue. The shim ignores a file that is not root's or
 * that others may write, so no user can drain a backend for everyone.
 */
import { chmod, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { validateConfig } from '../config/load.js';
import { QrunError } from '../errors.js';

/** The longest reason the shim shows a user (it keeps 1023 bytes for the whole message). */
const MAX_REASON_LENGTH = 300;

const drainSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    backends: z.record(
      z.string(),
      z
        .object({
          /** Shown to users whose job asks for the backend. */
          reason: z.string().min(1).max(MAX_REASON_LENGTH),
          /** ISO 8601 time the drain began. */
          since: z.string(),
          /** Who drained it (the login name behind sudo, when known). */
          by: z.string().optional(),
        })
        .strict(),
    ),
  })
  .strict();

export type DrainFile = z.infer<typeof drainSchema>;
export type Drain = DrainFile['backends'][string];

/** The drain file of a catalogue; the same rule as spank/drain.c. */
export function drainFileFor(catalogue: string): string {
  const name = basename(catalogue);
  return join(dirname(catalogue), `${name.endsWith('.json') ? name.slice(0, -'.json'.length) : name}.drain.json`);
}

/** The drained backends; none when the file does not exist. */
export async function readDrains(catalogue: string): Promise<DrainFile> {
  const path = drainFileFor(catalogue);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, backends: {} };
    throw new QrunError('CONFIG_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new QrunError('CONFIG_UNREADABLE', `${path} is not valid JSON: ${(error as Error).message}`, {
      hint: `Fix or remove it; qrun admin drain and resume rewrite it whole.`,
      cause: error,
    });
  }
  return validateConfig(drainSchema, data, path);
}

/** A reason is shown on one line by the shim: control characters would break it. */
export function checkReason(reason: string): string {
  const trimmed = reason.trim();
  if (trimmed === '') throw new QrunError('USAGE', '--reason must say why (users see it when sbatch refuses their job)', { hint: 'qrun admin drain ibm_fez --reason "calibration until 14:00 UTC"' });
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(trimmed)) throw new QrunError('USAGE', '--reason must be one line of text without control characters');
  if (trimmed.length > MAX_REASON_LENGTH) throw new QrunError('USAGE', `--reason is ${trimmed.length} characters; at most ${MAX_REASON_LENGTH}`);
  return trimmed;
}

/** Replaces the drain file atomically (readers see the old or the new one), mode 0644. */
async function writeDrains(catalogue: string, drains: DrainFile): Promise<string> {
  const path = drainFileFor(catalogue);
  if (Object.keys(drains.backends).length === 0) {
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    return path;
  }
  const tmp = `${path}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o644);
  try {
    await handle.writeFile(`${JSON.stringify(drains, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask may have narrowed it; submit hosts read it as the user.
  await chmod(tmp, 0o644);
  await rename(tmp, path);
  return path;
}

export async function setDrain(catalogue: string, alias: string, drain: Drain): Promise<{ path: string; previous: Drain | undefined }> {
  const drains = await readDrains(catalogue);
  const previous = drains.backends[alias];
  const path = await writeDrains(catalogue, { ...drains, backends: { ...drains.backends, [alias]: drain } });
  return { path, previous };
}

export async function clearDrain(catalogue: string, alias: string): Promise<{ path: string; previous: Drain | undefined }> {
  const drains = await readDrains(catalogue);
  const previous = drains.backends[alias];
  if (previous === undefined) return { path: drainFileFor(catalogue), previous };
  const rest = Object.fromEntries(Object.entries(drains.backends).filter(([name]) => name !== alias));
  return { path: await writeDrains(catalogue, { ...drains, backends: rest }), previous };
}
