/**
 * `dev-cluster up --accounting`: slurmdbd with a real MariaDB (Debian's packages), both on loopback and
 * in the run directory, so `sacct` shows QPU use as a TRES the way a site's accounting would
 * (`AccountingStorageTRES=gres/qpu,license/<name>`). Opt-in: setting up the database costs more than
 * the rest of the cluster.
 */
import { randomBytes } from 'node:crypto';
import { chown, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DaemonRecord } from './daemons.js';
import { startDaemon } from './daemons.js';
import { run, runChecked, waitFor } from './exec.js';
import { userIds } from './host.js';
import type { CapacityPlan } from './slurm-conf.js';

export const ACCOUNTING_PACKAGES: ReadonlyArray<{ readonly name: string; readonly proof: string }> = [
  { name: 'slurmdbd', proof: '/usr/sbin/slurmdbd' },
  { name: 'mariadb-server', proof: '/usr/sbin/mariadbd' },
];

export interface AccountingPorts {
  /** MariaDB on 127.0.0.1. */
  readonly database: number;
  /** slurmdbd (DbdPort). */
  readonly slurmdbd: number;
}

/** The TRES that make QPU use visible in sacct: the qpu GRES and every QPU license. */
export function accountingTres(capacity: CapacityPlan): string {
  return ['gres/qpu', ...capacity.gres.map((g) => `gres/qpu:${g.type}`), ...capacity.licenses.map((l) => `license/${l.name}`)].join(',');
}

/** slurm.conf lines replacing `AccountingStorageType=accounting_storage/none`. */
export function accountingSlurmConfLines(ports: AccountingPorts, capacity: CapacityPlan, mungeSocket: string): string[] {
  return [
    'AccountingStorageType=accounting_storage/slurmdbd',
    'AccountingStorageHost=localhost',
    `AccountingStoragePort=${ports.slurmdbd}`,
    // For slurmdbd this names the munge socket clients sign with (AuthInfo does not reach that path).
    `AccountingStoragePass=${mungeSocket}`,
    `AccountingStorageTRES=${accountingTres(capacity)}`,
  ];
}

export function renderSlurmdbdConf(options: { ports: AccountingPorts; password: string; logDir: string; runDir: string; mungeSocket: string }): string {
  return [
    '# Written by `npm run dev-cluster -- up --accounting`.',
    'AuthType=auth/munge',
    // The cluster's own munged, as in slurm.conf.
    `AuthInfo=socket=${options.mungeSocket}`,
    'DbdHost=localhost',
    `DbdPort=${options.ports.slurmdbd}`,
    'SlurmUser=root',
    `LogFile=${options.logDir}/slurmdbd.log`,
    `PidFile=${options.runDir}/slurmdbd.pid`,
    'StorageType=accounting_storage/mysql',
    'StorageHost=127.0.0.1',
    `StoragePort=${options.ports.database}`,
    'StorageUser=slurm',
    `StoragePass=${options.password}`,
    'StorageLoc=slurm_acct_db',
    '',
  ].join('\n');
}

export interface AccountingStart {
  readonly runtimeDir: string;
  readonly logDir: string;
  readonly mungeSocket: string;
  readonly ports: AccountingPorts;
  readonly env: Readonly<Record<string, string>>;
  readonly record: (daemon: DaemonRecord) => Promise<void>;
  readonly say: (line: string) => void;
}

/** Starts MariaDB and slurmdbd; slurmctld, started after this, registers the cluster. */
export async function startAccounting(start: AccountingStart): Promise<void> {
  const dataDir = join(start.runtimeDir, 'mysql');
  const socket = join(dataDir, 'mysqld.sock');
  const mysql = await userIds('mysql');
  await mkdir(dataDir, { mode: 0o700 });
  await chown(dataDir, mysql.uid, mysql.gid);
  start.say('initialising MariaDB (accounting)');
  await runChecked('mariadb-install-db', ['--user=mysql', `--datadir=${dataDir}`, '--auth-root-authentication-method=socket', '--skip-test-db'], { timeoutMs: 120_000 });
  start.say('starting mariadbd');
  await start.record(
    startDaemon({
      name: 'mariadbd',
      command: '/usr/sbin/mariadbd',
      args: [`--datadir=${dataDir}`, `--socket=${socket}`, `--port=${start.ports.database}`, '--bind-address=127.0.0.1', `--pid-file=${join(dataDir, 'mariadbd.pid')}`, '--skip-name-resolve', '--innodb-buffer-pool-size=32M'],
      logFile: join(start.logDir, 'mariadbd.out'),
      env: start.env,
      uid: mysql.uid,
      gid: mysql.gid,
    }),
  );
  await waitFor('mariadbd to answer', async () => ((await run('mariadb', [`--socket=${socket}`, '-e', 'SELECT 1'])).code === 0 ? true : undefined), 60_000, 200);
  const password = randomBytes(18).toString('base64url');
  await runChecked('mariadb', [
    `--socket=${socket}`,
    '-e',
    `CREATE DATABASE slurm_acct_db; CREATE USER 'slurm'@'127.0.0.1' IDENTIFIED BY '${password}'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';`,
  ]);
  const conf = join(start.runtimeDir, 'etc', 'slurmdbd.conf');
  // slurmdbd refuses a configuration others may read: it holds the database password.
  await writeFile(conf, renderSlurmdbdConf({ ports: start.ports, password, logDir: start.logDir, runDir: start.runtimeDir, mungeSocket: start.mungeSocket }), { mode: 0o600 });
  start.say('starting slurmdbd');
  await start.record(
    startDaemon({
      name: 'slurmdbd',
      command: '/usr/sbin/slurmdbd',
      args: ['-D'],
      logFile: join(start.logDir, 'slurmdbd.out'),
      env: { ...start.env, SLURM_CONF: join(start.runtimeDir, 'etc', 'slurm.conf') },
    }),
  );
  let last = '';
  await waitFor(
    'slurmdbd to answer',
    async () => {
      const answer = await run('sacctmgr', ['-n', 'show', 'cluster'], { env: start.env });
      last = (answer.stderr || answer.stdout).trim();
      return answer.code === 0 ? true : undefined;
    },
    60_000,
    200,
  ).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}; sacctmgr said: ${last}`);
  });
}

/** The cluster, an account and the users jobs run as, so sacct attributes each job. */
export async function registerAssociations(env: Readonly<Record<string, string>>, clusterName: string, users: readonly string[]): Promise<void> {
  await run('sacctmgr', ['-i', 'add', 'cluster', clusterName], { env });
  await run('sacctmgr', ['-i', 'add', 'account', 'qpu', `cluster=${clusterName}`, 'Description=qpu dev', 'Organization=dev'], { env });
  await run('sacctmgr', ['-i', 'add', 'user', users.join(','), 'account=qpu', `cluster=${clusterName}`], { env });
}
