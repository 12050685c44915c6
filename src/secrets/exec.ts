/**
 * `exec:` secrets: a helper (vault, pass, a cloud CLI wrapper) prints the secret on stdout. It runs
 * without a shell, with a fixed small environment, a timeout and an output cap. Run as root, the
 * helper must be owned by root and writable by no one else: otherwise whoever can edit it runs code
 * as root.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { QrunError } from '../errors.js';
import { MAX_SECRET_BYTES, SecretValue, trimSecret } from './value.js';

export interface ExecSecretOptions {
  /** Kill the helper after this long; default 10 s. */
  readonly timeoutMs?: number;
}

const DEFAULT_EXEC_TIMEOUT_MS = 10_000;

const HELPER_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', HOME: '/', LC_ALL: 'C' };

async function checkHelper(path: string): Promise<void> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    throw new QrunError('SECRET_UNAVAILABLE', `secret helper ${path} does not exist`, { hint: 'Fix the exec: reference in the catalogue.', cause: error });
  }
  if (!info.isFile() || (info.mode & 0o111) === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `secret helper ${path} is not an executable file`, { hint: `Run: chmod 700 ${path}` });
  }
  const euid = process.geteuid?.() ?? 0;
  if (euid === 0 && (info.uid !== 0 || (info.mode & 0o022) !== 0)) {
    throw new QrunError('SECRET_INSECURE', `secret helper ${path} is owned by uid ${info.uid} with mode 0${(info.mode & 0o777).toString(8)}: someone other than root could change what runs as root`, {
      hint: `Run: chown root:root ${path} && chmod 755 ${path}`,
    });
  }
}

interface HelperRun {
  readonly stdout: string;
  readonly stderr: string;
  readonly failure: string | null;
}

/** Runs the helper in its own process group, so a timeout kills whatever it started too. */
function runHelper(path: string, args: readonly string[], timeoutMs: number): Promise<HelperRun> {
  return new Promise((resolve) => {
    const child = spawn(path, [...args], { env: HELPER_ENV, cwd: '/', detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    const killGroup = (why: string): void => {
      failure ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => killGroup(`did not finish within ${timeoutMs} ms`), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_SECRET_BYTES) killGroup(`printed more than ${MAX_SECRET_BYTES} bytes`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (err.length < 16) err.push(chunk);
    });
    child.on('error', (error) => {
      failure ??= `cannot be run (${error.message})`;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (failure === null && code !== 0) failure = `exited with ${code ?? signal ?? 'an error'}`;
      resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), failure });
    });
  });
}

export async function runSecretHelper(path: string, args: readonly string[], options: ExecSecretOptions = {}): Promise<SecretValue> {
  await checkHelper(path);
  const timeout = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
  const run = await runHelper(path, args, timeout);
  if (run.failure !== null) {
    // Only the helper's stderr is shown (its first line), never its stdout: that may hold the secret.
    const said = run.stderr.split('\n')[0]?.slice(0, 200) ?? '';
    throw new QrunError('SECRET_UNAVAILABLE', `secret helper ${path} ${run.failure}${said === '' ? '' : `: ${said}`}`, {
      hint: 'Run the helper by hand as root to see what it needs.',
    });
  }
  const secret = trimSecret(run.stdout);
  if (secret === '') throw new QrunError('SECRET_UNAVAILABLE', `secret helper ${path} printed nothing`, { hint: 'The helper must print the secret on stdout.' });
  return new SecretValue(secret);
}
