/**
 * Who ran a job and under which account, for usage reports: sacct when slurmdbd keeps accounting
 * (it remembers finished jobs), else scontrol (only jobs slurmctld still holds, MinJobAge).
 */
import { execFile } from 'node:child_process';
import { scontrol } from './scontrol.js';

export interface JobOwner {
  readonly user: string;
  readonly account: string;
}

function sacct(ids: readonly number[], env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  const childEnv: Record<string, string> = { PATH: env['PATH'] ?? '/usr/bin:/bin', LC_ALL: 'C' };
  if (env['SLURM_CONF'] !== undefined) childEnv['SLURM_CONF'] = env['SLURM_CONF'];
  return new Promise((resolve) => {
    execFile('sacct', ['-X', '-n', '-P', '-a', '-o', 'JobID,User,Account', '-j', ids.join(',')], { env: childEnv, encoding: 'utf8', timeout: 20_000 }, (error, stdout) => {
      resolve(error === null ? stdout : null);
    });
  });
}

export function parseSacctOwners(text: string): Map<number, JobOwner> {
  const owners = new Map<number, JobOwner>();
  for (const line of text.split('\n')) {
    const [id, user, account] = line.split('|');
    if (id === undefined || !/^\d+$/.test(id) || user === undefined) continue;
    owners.set(Number(id), { user, account: account ?? '' });
  }
  return owners;
}

export function parseScontrolOwner(text: string): JobOwner | null {
  const user = /(?:^|\s)UserId=([^(\s]+)\(/.exec(text)?.[1];
  const account = /(?:^|\s)Account=(\S*)/.exec(text)?.[1];
  return user === undefined ? null : { user, account: account === undefined || account === '(null)' ? '' : account };
}

export async function jobOwners(ids: readonly number[], env: Readonly<Record<string, string | undefined>>): Promise<Map<number, JobOwner>> {
  if (ids.length === 0) return new Map();
  const fromSacct = await sacct(ids, env);
  const owners = fromSacct === null ? new Map<number, JobOwner>() : parseSacctOwners(fromSacct);
  for (const id of ids) {
    if (owners.has(id)) continue;
    const shown = await scontrol(['show', 'job', '-o', String(id)], { env });
    const owner = shown.ok ? parseScontrolOwner(shown.stdout) : null;
    if (owner !== null) owners.set(id, owner);
  }
  return owners;
}
