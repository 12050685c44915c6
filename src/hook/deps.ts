import type { Logger } from '../log/logger.js';
import type { Catalogue } from '../config/catalogue.js';
import type { JobGateway } from './gateway.js';
import type { StatePaths } from './paths.js';
import type { SlurmJobSource } from './slurm-job.js';

/** Everything acquire and release touch outside the state directory, injectable for tests. */
export interface HookDeps {
  readonly paths: StatePaths;
  readonly slurm: SlurmJobSource;
  readonly log: Logger;
  readonly loadCatalogue: (path: string) => Promise<Catalogue>;
  readonly gatewayFor: (types: readonly string[]) => JobGateway;
  /** The job's bearer token: 256 random bits, bound to the job id and uid (src/gateway/token.ts). */
  readonly newToken: (jobId: number, uid: number) => string;
  readonly now: () => Date;
  /** How long to wait for another step of the same job holding its lock. */
  readonly lockWaitMs: number;
}
