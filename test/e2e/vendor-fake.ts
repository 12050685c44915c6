/**
 * A vendor contract fake (test/fakes/<name>/main.ts) as its own process next to the dev cluster, the
 * one way every vendor e2e file starts one: a fresh secret in a root-only file, the fake on a port of
 * this checkout's own range (QPU_E2E_PORT_BASE + the vendor's offset, so two checkouts' suites never
 * meet on one port), and the live catalogue's entry pointed at both until `stop()` puts it back.
 * The fake's JSON-lines request log is what tests read: its routes and statuses are the fake's own
 * account of what it was asked (jobs created, cancels, session closes).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { sleep } from '../../src/devcluster/exec.js';
import { REPO_ROOT } from '../../src/devcluster/paths.js';
import { qpuCluster, replaceFile } from './qpu-helpers.js';

/** What the fake is started with: the port, the secret (and its file), its log file. */
interface FakeLaunch {
  readonly port: string;
  readonly secret: string;
  readonly secretFile: string;
  readonly log: string;
  /** The catalogue entry as the dev cluster ships it (client ids, instance, device...). */
  readonly entry: Readonly<Record<string, unknown>>;
}

export interface VendorFakeSpec {
  /** The catalogue alias whose entry points at the fake. */
  readonly alias: string;
  /** Folder under test/fakes/. */
  readonly fake: string;
  /** Added to QPU_E2E_PORT_BASE for the fake's port (the cluster takes base..base+3). */
  readonly portOffset: number;
  /** The fake's command-line arguments after main.ts. */
  args(launch: FakeLaunch): string[];
}

interface LoggedRequest {
  readonly route: string;
  readonly path?: string;
  readonly status: number | string;
  readonly authorization?: string | null;
}

export interface RunningFake {
  readonly child: ChildProcess;
  readonly secret: string;
  readonly log: string;
  requests(): LoggedRequest[];
  /** Requests on `route` the fake answered with 2xx. */
  served(route: string): number;
  /** Sends the fake process a signal (fakes that hold work until told use SIGUSR2). */
  signal(name: NodeJS.Signals): void;
  stop(): Promise<void>;
}

const URL_FIELDS = ['endpoint', 'auth_endpoint'] as const;

/** Starts the fake, then points the live catalogue's entry at it; `stop()` undoes both. */
export async function startVendorFake(spec: VendorFakeSpec): Promise<RunningFake> {
  const cluster = qpuCluster();
  const original = await readFile(cluster.catalogue, 'utf8');
  const catalogue = JSON.parse(original) as { backends: Record<string, Record<string, unknown>> };
  const entry = catalogue.backends[spec.alias];
  if (entry === undefined) throw new Error(`the dev cluster's catalogue has no ${spec.alias} entry`);
  const port = String(Number(process.env.QPU_E2E_PORT_BASE ?? 6817) + spec.portOffset);
  // Beside the root-only state directory: root-owned, mode 0600, gone with the cluster.
  const secretFile = join(dirname(cluster.stateDir), `${spec.alias}.secret`);
  const secret = `e2e-${randomBytes(18).toString('hex')}`;
  await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  const log = join(cluster.stateDir, `${spec.alias}-${Date.now()}.jsonl`);
  // node itself with tsx's loader, not the tsx wrapper: signals (SIGUSR2 to release held work) reach the fake.
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'test', 'fakes', spec.fake, 'main.ts'), ...spec.args({ port, secret, secretFile, log, entry })], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`the ${spec.fake} fake exited with ${String(code)} (is port ${port} taken?): ${stderr}`)));
  });

  const pointed: Record<string, unknown> = { ...entry, secret: `file:${secretFile}` };
  for (const field of URL_FIELDS) {
    const value = entry[field];
    if (typeof value === 'string') pointed[field] = value.replace(/^(http:\/\/127\.0\.0\.1):\d+/, `$1:${port}`);
  }
  catalogue.backends[spec.alias] = pointed;
  await replaceFile(cluster.catalogue, `${JSON.stringify(catalogue, null, 2)}\n`);

  const requests = (): LoggedRequest[] =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as LoggedRequest)
      : [];
  return {
    child,
    secret,
    log,
    requests,
    served: (route) => requests().filter((r) => r.route === route && typeof r.status === 'number' && r.status >= 200 && r.status < 300).length,
    signal: (name) => {
      child.kill(name);
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await replaceFile(cluster.catalogue, original);
      await rm(secretFile, { force: true });
      await rm(log, { force: true });
    },
  };
}

export async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(100);
  }
}
