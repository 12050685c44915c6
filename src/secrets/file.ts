/**
 * `file:` secrets. The file is opened first and the checks run on the open descriptor (fstat), so
 * what is checked is what is read. It must be a regular file owned by root (or, for a process not
 * running as root, by its own uid: a workstation's `qrun`) with no group or other permission bits:
 * mode 0600 or 0400. Anything looser is refused with the command that fixes it.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { QrunError } from '../errors.js';
import { MAX_SECRET_BYTES, SecretValue, trimSecret } from './value.js';

export interface FileSecretOptions {
  /** The uid allowed to own the file besides root; default: this process's euid. */
  readonly ownerUid?: number;
}

function unavailable(path: string, why: string, hint: string, cause?: unknown): QrunError {
  return new QrunError('SECRET_UNAVAILABLE', `secret file ${path} ${why}`, { hint, cause, details: { ref: `file:${path}` } });
}

export async function readSecretFile(path: string, options: FileSecretOptions = {}): Promise<SecretValue> {
  const owner = options.ownerUid ?? process.geteuid?.() ?? 0;
  let handle;
  try {
    // O_NONBLOCK: a FIFO planted at the path must not hang the hook.
    handle = await open(path, constants.O_RDONLY | constants.O_NOCTTY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw unavailable(path, 'does not exist', 'Create it (mode 0600, owned by root) or fix the reference in the catalogue.', error);
    if (code === 'EACCES') throw unavailable(path, 'cannot be read by this process', 'Secrets are resolved by the hook running as root; check the path.', error);
    throw unavailable(path, `cannot be opened (${code ?? 'error'})`, 'Check the path in the catalogue.', error);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw unavailable(path, 'is not a regular file', 'Point the reference at a plain file holding the secret.');
    if (info.uid !== 0 && info.uid !== owner) {
      throw new QrunError('SECRET_INSECURE', `secret file ${path} is owned by uid ${info.uid}, not root`, {
        hint: `Run: chown root:root ${path} && chmod 600 ${path}`,
        details: { ref: `file:${path}`, uid: info.uid },
      });
    }
    const mode = info.mode & 0o777;
    if ((mode & 0o077) !== 0) {
      throw new QrunError('SECRET_INSECURE', `secret file ${path} has mode 0${mode.toString(8)}: its group or others may read it`, {
        hint: `Run: chmod 600 ${path} (0600 or 0400 only)`,
        details: { ref: `file:${path}`, mode: `0${mode.toString(8)}` },
      });
    }
    if (info.size > MAX_SECRET_BYTES) throw unavailable(path, `is ${info.size} bytes, more than ${MAX_SECRET_BYTES}`, 'A secret file holds one credential.');
    const text = await handle.readFile({ encoding: 'utf8' });
    const secret = trimSecret(text);
    if (secret === '') throw unavailable(path, 'is empty', 'Write the credential into the file.');
    return new SecretValue(secret);
  } finally {
    await handle.close();
  }
}
