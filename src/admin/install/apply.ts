/** Carries out an install plan, as root. Files are replaced whole (write-temp + rename), never in place. */
import { execFile } from 'node:child_process';
import { appendFile, chmod, chown, copyFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { QrunError } from '../../errors.js';
import type { InstallStep } from './plan.js';

function useradd(name: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('useradd', ['--system', '--no-create-home', '--home-dir', '/nonexistent', '--shell', '/usr/sbin/nologin', name], { timeout: 30_000 }, (error, _stdout, stderr) => {
      if (error === null) resolve();
      else reject(new QrunError('TOOL_FAILED', `useradd ${name} failed: ${stderr.trim() || error.message}`, { hint: `Create the account by hand: useradd --system --shell /usr/sbin/nologin ${name}` }));
    });
  });
}

export async function applyStep(step: InstallStep, asRoot: boolean): Promise<void> {
  switch (step.kind) {
    case 'install-shim': {
      await mkdir(dirname(step.to), { recursive: true });
      // A .so that slurmd has mapped must not be rewritten in place: copy beside it, then rename.
      const tmp = `${step.to}.new`;
      await copyFile(step.from, tmp);
      await chmod(tmp, 0o755);
      await rename(tmp, step.to);
      return;
    }
    case 'write-file': {
      await mkdir(dirname(step.path), { recursive: true });
      const tmp = `${step.path}.${process.pid}.tmp`;
      await writeFile(tmp, step.text, { mode: 0o644 });
      await rename(tmp, step.path);
      return;
    }
    case 'append-line':
      await appendFile(step.path, `\n# Added by qrun admin install.\n${step.line}\n`);
      return;
    case 'create-user':
      await useradd(step.name);
      return;
    case 'make-dir':
    case 'fix-dir':
      await mkdir(step.path, { recursive: true, mode: step.mode });
      await chmod(step.path, step.mode);
      if (asRoot) await chown(step.path, 0, 0);
      return;
    case 'note':
      return;
  }
}

export function describeStep(step: InstallStep): string {
  switch (step.kind) {
    case 'install-shim':
      return `install ${step.from} -> ${step.to} (mode 0755)`;
    case 'write-file':
      return `write ${step.path}: ${step.why}`;
    case 'append-line':
      return `append to ${step.path}: ${step.line}`;
    case 'create-user':
      return `create the service user ${step.name} (useradd --system, no login shell)`;
    case 'make-dir':
      return `create ${step.path} (root, mode 0${step.mode.toString(8)})`;
    case 'fix-dir':
      return `fix ${step.path} to root, mode 0${step.mode.toString(8)} (was ${step.why})`;
    case 'note':
      return `ok: ${step.text}`;
  }
}
