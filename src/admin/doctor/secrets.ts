/**
 * Secret references readable by root only. Checks the file or helper without reading the secret:
 * the hook reads it later, and refuses the same things (src/secrets/file.ts).
 */
import { stat } from 'node:fs/promises';
import type { Catalogue } from '../../config/catalogue.js';
import { parseSecretRef } from '../../secrets/reference.js';
import { fail, ok, skip, warn, type Finding } from './finding.js';

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8)}`;
}

async function pathFinding(check: string, alias: string, path: string, kind: 'file' | 'helper'): Promise<Finding> {
  const info = await stat(path).catch((error: NodeJS.ErrnoException) => error);
  if (info instanceof Error) {
    return fail(check, `${alias}: secret ${kind} ${path} ${info.code === 'ENOENT' ? 'does not exist' : `cannot be read (${info.code ?? 'error'})`}`, kind === 'file' ? `Create it: install -m 600 -o root -g root /dev/null ${path}, then write the credential into it.` : `Install the helper at ${path}, owned by root, mode 0755 or stricter.`);
  }
  if (!info.isFile()) return fail(check, `${alias}: secret ${kind} ${path} is not a regular file`, `Point the reference at a plain file.`);
  if (info.uid !== 0) return fail(check, `${alias}: secret ${kind} ${path} is owned by uid ${info.uid}, not root`, `chown root:root ${path}`);
  if (kind === 'file' && (info.mode & 0o077) !== 0) {
    return fail(check, `${alias}: secret file ${path} has mode ${octal(info.mode)}: its group or others may read it`, `chmod 600 ${path}`);
  }
  if (kind === 'helper' && (info.mode & 0o022) !== 0) {
    return fail(check, `${alias}: secret helper ${path} has mode ${octal(info.mode)}: others may replace what root runs`, `chmod go-w ${path}`);
  }
  return ok(check, `${alias}: secret ${kind} ${path}, root's, mode ${octal(info.mode)}`);
}

export async function secretFindings(catalogue: Catalogue, env: Readonly<Record<string, string | undefined>>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const [alias, entry] of Object.entries(catalogue.backends)) {
    if (entry.secret === undefined) continue;
    const check = `secret.${alias}`;
    const ref = parseSecretRef(entry.secret);
    switch (ref.kind) {
      case 'file':
        findings.push(await pathFinding(check, alias, ref.path, 'file'));
        break;
      case 'exec':
        findings.push(await pathFinding(check, alias, ref.path, 'helper'));
        break;
      case 'env':
        // The hook takes env: secrets from slurmd's environment, not from this shell's.
        findings.push(env[ref.name] === undefined
          ? warn(check, `${alias}: env:${ref.name} is not set in this shell (the hook reads slurmd's environment)`, `Set ${ref.name} in slurmd's environment (systemctl edit slurmd: Environment=${ref.name}=...) or use a file: reference.`)
          : ok(check, `${alias}: env:${ref.name} is set here`));
        break;
      case 'keyring':
        findings.push(warn(check, `${alias}: keyring:${ref.service}/${ref.account} is meant for a workstation; the hook on a node runs without a desktop keyring`, 'Use a file: reference on cluster nodes (mode 0600, owned by root).'));
        break;
    }
  }
  return findings.length > 0 ? findings : [skip('secret', 'no backend has a secret reference')];
}
