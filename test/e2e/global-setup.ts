/**
 * Brings the dev cluster up once for all e2e files and down at the end. Under CI (CI=true) a cluster
 * that cannot start is a failure; elsewhere, without root, the e2e files are skipped with a reason.
 */
import type { TestProject } from 'vitest/node';
import { down, up } from '../../src/devcluster/cluster.js';
import { clusterPaths } from '../../src/devcluster/paths.js';

declare module 'vitest' {
  export interface ProvidedContext {
    clusterSkipReason: string;
  }
}

const say = (line: string): void => {
  process.stderr.write(`dev-cluster: ${line}\n`);
};

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const isCi = process.env.CI === 'true';
  if (process.getuid?.() !== 0) {
    const reason = 'the e2e tests start a real Slurm cluster and need root (sudo npm test)';
    if (isCi) throw new Error(`CI=true: ${reason}`);
    say(`SKIPPING e2e: ${reason}`);
    project.provide('clusterSkipReason', reason);
    return async () => undefined;
  }
  const paths = clusterPaths();
  await up(
    paths,
    {
      build: process.env.QPU_E2E_NO_BUILD !== '1',
      // Another port base lets a second checkout run its e2e tests beside this one.
      portBase: Number(process.env.QPU_E2E_PORT_BASE ?? 6817),
      testUser: 'qputest',
      // Tests where one user must not reach another's records or served vqpu run jobs as this one too.
      secondUser: 'qputest2',
      serviceUser: 'qpu-gateway',
      hookTimeout: 30,
      // slurmdbd and MariaDB cost more than the rest of the cluster: opt-in (test/e2e/accounting.test.ts).
      accounting: process.env.QPU_TEST_ACCOUNTING === '1',
    },
    say,
  );
  project.provide('clusterSkipReason', '');
  return async () => {
    await down(paths, say);
  };
}
