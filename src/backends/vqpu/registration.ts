/**
 * A vqpu's registration: what `qrun vqpu serve` writes so that the same user's later QPU jobs find
 * it, and what the hook (root, at acquire) reads. The file lives in the catalogue's `registry`
 * directory as `<uid>.<alias>.json`, mode 0600, owned by that uid; the token in it is the serving
 * process's bearer token, so nobody else may read it.
 *
 * The reader runs as root on a file a user wrote: it opens without following a symlink, checks the
 * owner, type, mode and size on the open descriptor, parses strictly and never echoes the content.
 * Nothing in a registration is executed or names a path root touches: it yields an http endpoint and
 * a token that only the job's gateway (the service user) sends task requests to.
 */
import { constants } from 'node:fs';
import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { writeFileAtomic } from '../../hook/fsutil.js';

export const REGISTRATION_FORMAT = 'slurm-qpu.vqpu/1';
const MAX_BYTES = 4096;

const registrationSchema = z
  .object({
    format: z.literal(REGISTRATION_FORMAT),
    alias: z.string().min(1).max(63),
    uid: z.number().int().min(0),
    /** The serving Slurm job: the hook checks that it runs, as the same user. */
    job_id: z.number().int().min(1),
    /** http://HOST:PORT with no path or credentials; HOST a node name or address. */
    endpoint: z.string().regex(/^http:\/\/[A-Za-z0-9][A-Za-z0-9.-]{0,252}:\d{4,5}$/),
    token: z.string().regex(/^qpu1\.\d{1,10}\.\d{1,10}\.[A-Za-z0-9_-]{43}$/),
    qubits: z.number().int().min(1).max(64),
    lanes: z.number().int().min(1).max(1024),
    started: z.string(),
  })
  .strict();

export type Registration = z.infer<typeof registrationSchema>;

export function registrationPath(registry: string, uid: number, alias: string): string {
  return join(registry, `${uid}.${alias}.json`);
}

/** Written by the serving job as its user: atomically, mode 0600. */
export async function writeRegistration(registry: string, registration: Registration): Promise<string> {
  const path = registrationPath(registry, registration.uid, registration.alias);
  await writeFileAtomic(path, `${JSON.stringify(registration, null, 2)}\n`, 0o600);
  return path;
}

function notServed(alias: string, why: string): QrunError {
  return new QrunError('VQPU_NOT_SERVED', `no vqpu ${alias} is served for you: ${why}`, {
    hint: `Start one in a job of your own first (qrun vqpu serve --backend ${alias}), and make this job depend on it having started (sbatch --dependency=after:<serving job>).`,
    details: { backend: alias },
  });
}

function unusable(alias: string, why: string): QrunError {
  return new QrunError('VQPU_REGISTRATION_INVALID', `the registration of vqpu ${alias} is not usable: ${why}`, {
    hint: 'Registrations are written by qrun vqpu serve; stop it (qrun vqpu stop) and serve again. Do not edit or link them by hand.',
    details: { backend: alias },
  });
}

/** Checks the registry directory itself: root's, and sticky when others may write it. */
async function checkRegistry(alias: string, registry: string): Promise<void> {
  let info;
  try {
    info = await lstat(registry);
  } catch {
    throw notServed(alias, `the registry ${registry} does not exist (ask your admin)`);
  }
  // Root's (the reader is the hook, root): a directory another user owns could be swapped under it.
  const owner = process.geteuid?.() ?? 0;
  if (!info.isDirectory() || (info.uid !== 0 && info.uid !== owner) || ((info.mode & 0o002) !== 0 && (info.mode & 0o1000) === 0)) {
    throw unusable(alias, `the registry ${registry} must be a root-owned directory, sticky when world-writable (ask your admin)`);
  }
}

/** Reads the registration of `uid`'s vqpu `alias` as root, trusting nothing in it. */
export async function readRegistration(registry: string, uid: number, alias: string): Promise<Registration> {
  await checkRegistry(alias, registry);
  const path = registrationPath(registry, uid, alias);
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notServed(alias, 'no serving job has registered');
    throw unusable(alias, code === 'ELOOP' ? 'it is a symbolic link' : `it cannot be opened (${code ?? 'error'})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unusable(alias, 'it is not a regular file');
    if (info.uid !== uid) throw unusable(alias, `it is owned by uid ${info.uid}, not by you (uid ${uid})`);
    if ((info.mode & 0o077) !== 0) throw unusable(alias, `its mode is 0${(info.mode & 0o777).toString(8)}; it must be 0600 (it holds the vqpu's token)`);
    if (info.size > MAX_BYTES) throw unusable(alias, `it is larger than ${MAX_BYTES} bytes`);
    const text = (await handle.readFile({ encoding: 'utf8' })).slice(0, MAX_BYTES);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      throw unusable(alias, 'it is not JSON');
    }
    const parsed = registrationSchema.safeParse(data);
    // Field names only: the content itself is never repeated (root read it on a user's behalf).
    if (!parsed.success) throw unusable(alias, `bad fields: ${[...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(top)'))].join(', ')}`);
    if (parsed.data.uid !== uid || parsed.data.alias !== alias) throw unusable(alias, 'it names another user or backend');
    const port = Number(parsed.data.endpoint.slice(parsed.data.endpoint.lastIndexOf(':') + 1));
    if (port < 1024 || port > 65535) throw unusable(alias, 'its port is not an unprivileged one');
    return parsed.data;
  } finally {
    await handle.close();
  }
}
