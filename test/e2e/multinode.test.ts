/**
 * Past one node: a 3-node cluster of its own (`up --nodes 3`: qn1 and qn2 with Gres=qpu:sim:2, qn3
 * CPU-only, license qpu_sim_shared:2), beside the suite's single-host one. Each node's handler
 * keeps its own leases, lanes and gateway (docs/adr/0005-one-lease-per-node.md), and these tests
 * read them node by node.
 */
import { mkdir, readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { down, up } from '../../src/devcluster/cluster.js';
import { sleep } from '../../src/devcluster/exec.js';
import { clusterPaths, REPO_ROOT } from '../../src/devcluster/paths.js';
import { FAULT_DIR } from '../../src/hook/faults.js';
import { BELL, QRUN } from './gateway-helpers.js';
import { output, qpuCluster, qpuSkipReason, shown, slurmCmd, submit, waitState } from './qpu-helpers.js';

const paths = clusterPaths(join(REPO_ROOT, '.dev-cluster-multinode'));
// Beside the single-host cluster of global-setup.ts (base, base+1..3).
const PORT_BASE = Number(process.env.QPU_E2E_PORT_BASE ?? 6817) + 20;
const CATALOGUE = join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'multinode-qpu.json');
const say = (line: string): void => {
  process.stderr.write(`dev-cluster (3 nodes): ${line}\n`);
};

function nodeState(node: string): string {
  return join(qpuCluster().env['QPU_DEV_CLUSTER_NODE_DIRS'] ?? '', node, 'qpu');
}

async function names(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => []);
}

/** Job ids holding a lease on `node`. */
async function nodeLeases(node: string): Promise<string[]> {
  return (await names(join(nodeState(node), 'leases'))).filter((n) => n.endsWith('.json')).map((n) => n.slice(0, -5));
}

/** Job ids holding a lane of `alias` on `node`. */
async function laneHolders(node: string, alias: string): Promise<string[]> {
  const dir = join(nodeState(node), 'lanes', alias);
  // A lane is a symlink naming the job (src/hook/lanes.ts); an older version's, a file holding it.
  const held = await Promise.all((await names(dir)).filter((n) => /^\d+$/.test(n)).map((n) => readlink(join(dir, n)).catch(() => readFile(join(dir, n), 'utf8')).catch(() => '')));
  return held.map((t) => t.trim()).filter(Boolean);
}

async function events(node: string, jobId: string, msg: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(join(nodeState(node), 'hook.log'), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((e) => String(e['jobId']) === jobId && e['msg'] === msg);
}

/** Waits until no node holds a lease or lane of the job (release runs in each node's epilog). */
async function waitReleasedEverywhere(jobId: string, nodes: readonly string[]): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const left = [];
    for (const node of nodes) {
      if ((await nodeLeases(node)).includes(jobId) || (await laneHolders(node, 'sim')).includes(jobId)) left.push(node);
    }
    if (left.length === 0) return;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still holds a lease or lane on ${left.join(', ')}`);
    await sleep(100);
  }
}

describe.skipIf(qpuSkipReason() !== '')('QPU jobs over several nodes', () => {
  beforeAll(async () => {
    await up(paths, { catalogue: CATALOGUE, build: false, portBase: PORT_BASE, testUser: 'qputest', serviceUser: 'qpu-gateway', hookTimeout: 30, nodes: 3 }, say);
    // Every helper of qpu-helpers.ts now talks to the 3-node cluster (this file runs in its own worker).
    process.env['QPU_DEV_CLUSTER_ENV'] = paths.envFile;
  }, 120_000);

  afterAll(async () => {
    await down(paths, say);
  }, 60_000);

  it('acquires on each node of srun -N2: its own lease and gateway, then releases on both', async () => {
    const script = `echo "job $SLURM_JOB_ID on $(hostname): $QRUN_BACKENDS $QRUN_ENDPOINT"; ${process.execPath} ${QRUN} sample ${BELL} > /dev/null && echo "sampled on $(hostname)"`;
    const ran = await slurmCmd('srun', ['-N2', '--gres=qpu:1', '--q_backend=sim', '-t', '2', 'bash', '-c', script]);
    expect(ran.code, shown(ran)).toBe(0);
    for (const node of ['qn1', 'qn2']) {
      expect(ran.stdout, shown(ran)).toMatch(new RegExp(`on ${node}: sim unix:/run/slurm-qpu/\\w+/\\d+/gateway\\.sock`));
      expect(ran.stdout).toContain(`sampled on ${node}`);
    }
    const jobId = /job (\d+) on/.exec(ran.stdout)?.[1] ?? '';
    await waitReleasedEverywhere(jobId, ['qn1', 'qn2']);
    for (const node of ['qn1', 'qn2']) {
      expect(await events(node, jobId, 'lease acquired'), node).toHaveLength(1);
      const released = await events(node, jobId, 'lease released');
      expect(released, node).toHaveLength(1);
      // Each node's gateway served that node's own task, and metered it.
      expect(await gatewayTasks(node, jobId), node).toBe(1);
    }
    expect(await events('qn3', jobId, 'lease acquired')).toHaveLength(0);
  });

  it("checks each node's own GRES share, not the job-wide count", async () => {
    // JOB_GRES=qpu:sim:2 over two nodes is one unit on each: not enough for two backends of that type.
    const short = await slurmCmd('srun', ['-N2', '--gres=qpu:sim:1', '--q_backend=sim,sim_twin', '-t', '2', 'true']);
    expect(short.code, shown(short)).not.toBe(0);
    expect(short.stderr).toMatch(/does not hold the Slurm capacity.*--gres=qpu:sim:2/);
    const enough = await slurmCmd('srun', ['-N2', '--gres=qpu:sim:2', '--q_backend=sim,sim_twin', '-t', '2', 'bash', '-c', 'echo "$(hostname) $QRUN_BACKENDS"']);
    expect(enough.code, shown(enough)).toBe(0);
    expect(enough.stdout.split('\n').filter(Boolean).sort()).toEqual(['qn1 sim,sim_twin', 'qn2 sim,sim_twin']);
  });

  it('releases on every node when the acquire fails on one of them', async () => {
    // qn2's next handler throws after opening the session; qn1 acquires (batch step) and must still give back.
    await mkdir(join(nodeState('qn2'), FAULT_DIR), { recursive: true, mode: 0o700 });
    await writeFile(join(nodeState('qn2'), FAULT_DIR, 'acquire:after-session'), 'throw\n', { mode: 0o600 });
    const id = await submit(['-N2', '--gres=qpu:1', '--q_backend=sim', '-t', '2', '--wrap', 'srun -l bash -c "echo $(hostname) ${QRUN_BACKENDS:-none}"']);
    expect(await waitState(id)).toBe('FAILED');
    expect(output(id)).toMatch(/spank_qpu: task_init: .*could not acquire|spank_qpu: task_init/);
    await waitReleasedEverywhere(id, ['qn1', 'qn2']);
    expect(await events('qn1', id, 'lease acquired')).toHaveLength(1);
    expect(await events('qn1', id, 'lease released')).toHaveLength(1);
    expect(await events('qn2', id, 'lease acquired')).toHaveLength(0);
  });

  it('never grants a license-counted backend to more jobs than its lanes across all nodes', async () => {
    const nodes = ['qn1', 'qn2', 'qn3'];
    const ids = await Promise.all(
      // Four jobs on two lanes, one pinned to each node and a second on qn1: two waves at least.
      Array.from({ length: 4 }, (_, i) =>
        submit(['-w', nodes[i % 3] ?? 'qn1', '-L', 'qpu_sim_shared:1', '--q_backend=sim_shared', '-t', '2', '--wrap', 'echo "$(hostname) $QRUN_BACKENDS"; sleep 1']),
      ),
    );
    let most = 0;
    let done = false;
    const sampler = (async () => {
      while (!done) {
        // Every lane counts, also one whose lease is releasing: the node's hook service answers a
        // license release only once it is done, so Slurm hands the license on after the lane is free.
        const holders = new Set((await Promise.all(nodes.map((n) => laneHolders(n, 'sim_shared')))).flat());
        most = Math.max(most, holders.size);
        await sleep(25);
      }
    })();
    try {
      const states = await Promise.all(ids.map((id) => waitState(id, undefined, 60_000)));
      expect(states, states.join(' ')).toEqual(ids.map(() => 'COMPLETED'));
    } finally {
      done = true;
      await sampler;
    }
    expect(most).toBe(2);
    const hosts = new Set(ids.map((id) => output(id).trim()));
    expect(hosts).toEqual(new Set(['qn1 sim_shared', 'qn2 sim_shared', 'qn3 sim_shared']));
  });

  it('gives a heterogeneous job the QPU environment in its QPU component only', async () => {
    const script = join(qpuCluster().jobs, 'hetjob-qpu.sh');
    await writeFile(
      script,
      [
        '#!/bin/bash',
        '#SBATCH -p cpu -n1 -t 2 --q_backend=sim',
        '#SBATCH hetjob',
        '#SBATCH -p qpu -n1 --gres=qpu:sim:1',
        'echo "batch $(hostname) ${QRUN_BACKENDS:-none}"',
        'srun --het-group=1 bash -c \'echo "qpu-part $(hostname) ${QRUN_BACKENDS:-none}"\'',
        'srun --het-group=0 bash -c \'echo "cpu-part $(hostname) ${QRUN_BACKENDS:-none}"\'',
        '',
      ].join('\n'),
      { mode: 0o755 },
    );
    const id = await submit([script]);
    expect(await waitState(id, undefined, 60_000)).toBe('COMPLETED');
    const lines = output(id).trim().split('\n');
    expect(lines, output(id)).toEqual(['batch qn3 none', expect.stringMatching(/^qpu-part qn[12] sim$/), 'cpu-part qn3 none']);
    expect(await nodeLeases('qn3')).toEqual([]);
  });
});

/** The task count the gateway of `jobId` metered on `node`, from the release line of its hook log. */
async function gatewayTasks(node: string, jobId: string): Promise<number | undefined> {
  const lines = (await readFile(join(nodeState(node), 'hook.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
  for (const line of lines) {
    const e = JSON.parse(line) as { jobId?: number; usage?: { sim?: { tasks?: number } } };
    if (String(e.jobId) === jobId && e.usage?.sim?.tasks !== undefined) return e.usage.sim.tasks;
  }
  return undefined;
}
