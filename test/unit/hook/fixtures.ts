import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { catalogueSchema, type Catalogue } from '../../../src/config/catalogue.js';
import type { HookDeps } from '../../../src/hook/deps.js';
import { backendSecret } from '../../../src/secrets/for-backend.js';
import { statePaths } from '../../../src/hook/paths.js';
import { PROTOCOL_VERSION, type HookRequest } from '../../../src/hook/protocol.js';
import type { SlurmJobFacts, SlurmJobSource } from '../../../src/slurm/job.js';
import type { JobPresence } from '../../../src/slurm/presence.js';
import { createLogger } from '../../../src/log/logger.js';

export const CATALOGUE: Catalogue = catalogueSchema.parse({
  version: 1,
  backends: {
    sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 5 } },
    sim_shared: { type: 'sim', capacity: { license: 'qpu_sim_shared', lanes: 2 }, metadata: { num_qubits: 5 } },
  },
});

/** A job that holds one qpu:sim GRES and one qpu_sim_shared license, owned by uid 1000. */
export function facts(jobId: number, overrides: Partial<SlurmJobFacts> = {}): SlurmJobFacts {
  return {
    jobId,
    uid: 1000,
    state: 'RUNNING',
    gres: [{ name: 'qpu', type: 'sim', count: 1 }],
    licenses: [{ name: 'qpu_sim_shared', count: 1 }],
    endTime: 1_900_000_000,
    ...overrides,
  };
}

export function request(jobId: number, overrides: Partial<HookRequest> = {}): HookRequest {
  return {
    version: PROTOCOL_VERSION,
    action: 'acquire',
    jobId,
    stepId: 0xfffffffb,
    uid: 1000,
    gid: 1000,
    backends: ['sim'],
    config: '/etc/slurm/qpu.json',
    stateDir: '/unused',
    serviceUser: 'qpu-gateway',
    timeoutSeconds: 30,
    hostname: 'node1',
    ...overrides,
  };
}

export interface Harness {
  readonly deps: HookDeps;
  readonly dir: string;
  /** Parsed log lines so far. */
  logLines(): Promise<Array<Record<string, unknown>>>;
}

export async function harness(
  options: {
    facts?: (jobId: number) => SlurmJobFacts | Promise<SlurmJobFacts>;
    catalogue?: () => Promise<Catalogue>;
    /** What Slurm says about a job for the reaper; default: every job still runs. */
    presence?: (jobId: number) => JobPresence | Promise<JobPresence>;
    /** An existing state directory (one a handler process also uses); default: a fresh one. */
    dir?: string;
    /** The components of a heterogeneous job, by leader id; absent: the source cannot list them. */
    hetComponents?: (hetJobId: number) => SlurmJobFacts[];
  } = {},
): Promise<Harness> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'qpu-hook-')));
  const paths = statePaths(dir);
  const logFile = join(dir, 'hook.log');
  const log = createLogger({ name: 'qpu-hook', destination: pino.destination({ dest: logFile, sync: true, mkdir: true }) });
  const components = options.hetComponents;
  const slurm: SlurmJobSource = {
    show: async (jobId) => (options.facts ?? facts)(jobId),
    ...(components === undefined ? {} : { hetComponents: async (hetJobId: number) => components(hetJobId) }),
  };
  let tokens = 0;
  const deps: HookDeps = {
    paths,
    slurm,
    presence: async (jobId) => (options.presence ?? (() => 'running'))(jobId),
    log,
    loadCatalogue: options.catalogue ?? (() => Promise.resolve(CATALOGUE)),
    // Every backend of the fixtures runs in the job's own process: nothing to start or stop.
    gateway: { start: () => Promise.resolve({ endpoint: 'local:', pid: null }), stop: () => Promise.resolve() },
    secretFor: (alias, reference) => backendSecret(alias, reference, {}),
    newToken: () => `${String(++tokens).padStart(2, '0')}${'ab'.repeat(31)}`,
    now: () => new Date('2026-01-01T00:00:00Z'),
    lockWaitMs: 5000,
  };
  return {
    deps,
    dir,
    async logLines() {
      const text = await readFile(logFile, 'utf8').catch(() => '');
      return text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    },
  };
}
