/**
 * Where task records live and how they are written. Default directory:
 * `$QRUN_STATE_DIR/tasks`, else `$XDG_STATE_HOME/slurm-qpu/tasks`, else
 * `$HOME/.local/state/slurm-qpu/tasks` — the user's home, which a later job of the same user sees
 * on every node of a cluster that shares homes. The directory is 0700 and records 0600: nobody
 * else reads them. Writes are atomic (temporary file, fsync, rename), so a job killed while writing
 * leaves the old record or the new one, never half of one.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { QrunError } from '../errors.js';
import { isErrno, writeFileAtomic } from '../hook/fsutil.js';
import { parseRecord, RECORD_ID, type TaskRecord } from './record.js';

type Env = Readonly<Record<string, string | undefined>>;

export function recordsDir(env: Env): string {
  const own = env['QRUN_STATE_DIR'];
  if (own !== undefined && own !== '') return join(own, 'tasks');
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'slurm-qpu', 'tasks');
  const home = env['HOME'];
  if (home === undefined || home === '') {
    throw new QrunError('RECORD_NOT_FOUND', 'cannot tell where task records live: HOME is not set', {
      hint: 'Set QRUN_STATE_DIR to a directory of your own, or give --record FILE.',
    });
  }
  return join(home, '.local', 'state', 'slurm-qpu', 'tasks');
}

/** A fresh record id: sortable by time, unique enough for one user's records. */
export function newRecordId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

/** An argument naming a record: a path (has a slash or ends in .json) or an id in the records directory. */
export function recordPath(ref: string, env: Env, cwd: string): string {
  if (ref.includes('/') || ref.endsWith('.json')) return resolve(cwd, ref);
  if (!RECORD_ID.test(ref)) {
    throw new QrunError('RECORD_NOT_FOUND', `${JSON.stringify(ref)} is neither a task id nor a record path`, {
      hint: 'Give the id qrun submit printed, or the path of a record file.',
    });
  }
  return join(recordsDir(env), `${ref}.json`);
}

/** Where the collected result of a record is saved: beside the record. */
export function resultPathFor(recordFile: string): string {
  return recordFile.replace(/\.json$/, '') + '.result.json';
}

export async function readRecord(path: string): Promise<TaskRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) {
      throw new QrunError('RECORD_NOT_FOUND', `no task record at ${path}`, { hint: 'List your records with `ls ~/.local/state/slurm-qpu/tasks` (or $QRUN_STATE_DIR/tasks).', details: { path } });
    }
    throw new QrunError('FILE_UNREADABLE', `cannot read ${path}: ${String(error)}`, { cause: error, details: { path } });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new QrunError('RECORD_INVALID', `${path} is not JSON`, { details: { path } });
  }
  return parseRecord(data, path);
}

async function ensurePrivate(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
}

/** Writes the record (0600) atomically, creating its directory (0700) when it is missing. */
export async function writeRecord(path: string, record: TaskRecord): Promise<void> {
  await writePrivate(path, `${JSON.stringify(record, null, 2)}\n`);
}

/** Writes a private file atomically (records and their saved results). */
export async function writePrivate(path: string, text: string): Promise<void> {
  try {
    await ensurePrivate(dirname(path));
    await writeFileAtomic(path, text, 0o600);
    await chmod(path, 0o600);
  } catch (error) {
    if (error instanceof QrunError) throw error;
    throw new QrunError('OUTPUT_NOT_WRITABLE', `cannot write ${path}: ${String(error)}`, {
      hint: 'Records go to ~/.local/state/slurm-qpu/tasks; set QRUN_STATE_DIR or give --record FILE in a directory you can write.',
      cause: error,
      details: { path },
    });
  }
}
