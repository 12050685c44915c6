/**
 * `qrun admin install`: what a node needs for QPU jobs, as a list of steps decided before anything is
 * changed, so `--dry-run` prints exactly what a real run does. Each step is idempotent: a second run
 * finds everything in place and changes nothing.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readPlugstack, shimLine, SHIM_FILE } from '../../slurm/plugstack.js';
import { lookupAccount } from '../accounts.js';

export interface InstallFacts {
  /** The built shim to install. */
  readonly shimSource: string;
  /** Slurm's plugin directory (PluginDir's first entry). */
  readonly pluginDir: string;
  /** Slurm's PlugStackConfig. */
  readonly plugstack: string;
  /** Where the handler and Node.js live, for the plugstack line. */
  readonly handler: string;
  readonly node: string;
  readonly catalogue: string;
  readonly stateDir: string;
  readonly serviceUser: string;
  /** A staging root (like DESTDIR): every path is written below it, and no account is created. */
  readonly prefix: string;
}

export type InstallStep =
  | { readonly kind: 'install-shim'; readonly from: string; readonly to: string }
  | { readonly kind: 'write-file'; readonly path: string; readonly text: string; readonly why: string }
  | { readonly kind: 'append-line'; readonly path: string; readonly line: string }
  | { readonly kind: 'create-user'; readonly name: string }
  | { readonly kind: 'make-dir'; readonly path: string; readonly mode: number }
  | { readonly kind: 'fix-dir'; readonly path: string; readonly mode: number; readonly why: string }
  | { readonly kind: 'note'; readonly text: string };

function under(prefix: string, path: string): string {
  return prefix === '' || prefix === '/' ? path : join(prefix, path);
}

async function sameContent(a: string, b: string): Promise<boolean> {
  const digest = async (path: string): Promise<string | null> => {
    try {
      return createHash('sha256').update(await readFile(path)).digest('hex');
    } catch {
      return null;
    }
  };
  const [da, db] = await Promise.all([digest(a), digest(b)]);
  return da !== null && da === db;
}

function plugstackLine(facts: InstallFacts): string {
  return `required ${join(facts.pluginDir, SHIM_FILE)} config=${facts.catalogue} handler=${facts.handler} node=${facts.node} state_dir=${facts.stateDir} service_user=${facts.serviceUser}`;
}

/** A `plugstack.conf.d/*.conf` include gets a file of its own; otherwise the line goes into plugstack.conf. */
async function plugstackSteps(facts: InstallFacts): Promise<InstallStep[]> {
  const path = under(facts.prefix, facts.plugstack);
  const line = plugstackLine(facts);
  let text: string | null;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    text = null;
  }
  if (text === null) return [{ kind: 'write-file', path, text: `# Written by qrun admin install.\n${line}\n`, why: 'the SPANK plugin line' }];
  const present = shimLine(await readPlugstack(path));
  if (present !== undefined) return [{ kind: 'note', text: `${present.file}:${present.line} already loads ${present.plugin}; left as it is (edit it by hand to change its arguments)` }];
  const include = /^\s*include\s+(\S+\/)\*\.conf\s*$/m.exec(text)?.[1];
  if (include !== undefined) {
    const dir = include.startsWith('/') ? under(facts.prefix, include) : join(dirname(path), include);
    return [{ kind: 'write-file', path: join(dir, 'qpu.conf'), text: `# Written by qrun admin install.\n${line}\n`, why: 'the SPANK plugin line, in the directory plugstack.conf includes' }];
  }
  return [{ kind: 'append-line', path, line }];
}

export async function planInstall(facts: InstallFacts): Promise<InstallStep[]> {
  const steps: InstallStep[] = [];
  const target = under(facts.prefix, join(facts.pluginDir, SHIM_FILE));
  if (await sameContent(facts.shimSource, target)) steps.push({ kind: 'note', text: `${target} is already this build` });
  else steps.push({ kind: 'install-shim', from: facts.shimSource, to: target });

  steps.push(...(await plugstackSteps(facts)));

  if (facts.prefix === '' || facts.prefix === '/') {
    const account = await lookupAccount(facts.serviceUser);
    if (account === null) steps.push({ kind: 'create-user', name: facts.serviceUser });
    else steps.push({ kind: 'note', text: `service user ${facts.serviceUser} exists (uid ${account.uid})` });
  } else {
    steps.push({ kind: 'note', text: `under --prefix no account is created: create ${facts.serviceUser} on the node (useradd --system --shell /usr/sbin/nologin ${facts.serviceUser})` });
  }

  const state = under(facts.prefix, facts.stateDir);
  const info = await stat(state).catch(() => null);
  if (info === null) steps.push({ kind: 'make-dir', path: state, mode: 0o700 });
  else if ((info.mode & 0o777) !== 0o700 || info.uid !== 0) steps.push({ kind: 'fix-dir', path: state, mode: 0o700, why: `mode 0${(info.mode & 0o777).toString(8)}, uid ${info.uid}` });

  const catalogue = await stat(under(facts.prefix, facts.catalogue)).catch(() => null);
  if (catalogue === null) steps.push({ kind: 'note', text: `${facts.catalogue} does not exist yet: write it (slurm-conf/qpu.example.json, or qrun admin import-qrmi), then qrun admin check-config ${facts.catalogue}` });
  return steps;
}
