import { mkdtempSync, readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliContext } from '../../../../src/cli/context.js';
import { EXIT_CODES } from '../../../../src/cli/exit-codes.js';
import { meaningOf } from '../../../../src/cli/interrupt.js';
import { main } from '../../../../src/cli/main.js';
import { REPO_ROOT } from '../../../../src/devcluster/paths.js';

const BELL = join(REPO_ROOT, 'examples', 'bell.json');
const ESTIMATOR = join(REPO_ROOT, 'examples', 'estimator.json');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function io(env: Record<string, string>, options: { tty?: boolean; uid?: number; onSignal?: CliContext['onSignal'] } = {}) {
  const stdout = Object.assign(new PassThrough(), { isTTY: options.tty === true });
  const stderr = Object.assign(new PassThrough(), { isTTY: false });
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  const ctx: CliContext = { env, stdout, stderr, cwd: process.cwd(), uid: options.uid ?? 1000, onSignal: options.onSignal };
  return { ctx, text: () => ({ stdout: out, stderr: err }) };
}

async function qrun(argv: string[], env: Record<string, string>, options: Parameters<typeof io>[1] = {}): Promise<Run> {
  const { ctx, text } = io(env, options);
  const code = await main(argv, ctx);
  return { code, ...text() };
}

describe('qrun submit and the task commands (outside a job: the simulator)', () => {
  it('submits, records privately, reports status and result, and shows the saved result as a table', async () => {
    const state = mkdtempSync(join(tmpdir(), 'qrun-tasks-'));
    const env = { QRUN_STATE_DIR: state };
    const submitted = await qrun(['submit', BELL, '--seed', '5'], env);
    expect(submitted.code, submitted.stderr).toBe(0);
    const id = submitted.stdout.trim();
    expect(readdirSync(join(state, 'tasks')).sort()).toEqual([`${id}.json`, `${id}.result.json`]);

    const status = await qrun(['--json', 'status', id], env);
    expect(JSON.parse(status.stdout)).toMatchObject({ id, state: 'completed', backend: 'sim', where: 'local', owner_uid: 1000, record: join(state, 'tasks', `${id}.json`) });

    const piped = await qrun(['result', id], env);
    const result = JSON.parse(piped.stdout) as { results: { data: { meas: { samples: string[] } } }[] };
    expect(new Set(result.results[0]?.data.meas.samples)).toEqual(new Set(['0x0', '0x3']));

    const table = await qrun(['result', id], env, { tty: true });
    expect(table.stdout).toMatch(/^PUB 0, register meas \(2 bits, 1024 shots, 2 outcomes\)\n {2}bitstring {2}count {3}share\n {2}(00|11) /);

    const file = join(state, 'out.json');
    expect((await qrun(['result', id, file], env)).code).toBe(0);
    expect((await qrun(['show', file], env)).stdout).toBe(table.stdout);
  });

  it('prints an estimate as values with standard errors on a terminal, and JSON into a pipe', async () => {
    const env = { QRUN_STATE_DIR: mkdtempSync(join(tmpdir(), 'qrun-tasks-')) };
    const tty = await qrun(['estimate', ESTIMATOR, '--seed', '1'], env, { tty: true });
    expect(tty.stdout).toMatch(/^PUB 0(, shape \(\d+(, \d+)*\))?\n {2}index +value +std error\n/);
    const piped = await qrun(['estimate', ESTIMATOR, '--seed', '1'], env);
    expect(JSON.parse(piped.stdout)).toHaveProperty('results');
  });

  it("refuses another user's record, and a record that is not one", async () => {
    const state = mkdtempSync(join(tmpdir(), 'qrun-tasks-'));
    const env = { QRUN_STATE_DIR: state };
    const id = (await qrun(['submit', BELL], env)).stdout.trim();
    const other = await qrun(['result', id], env, { uid: 1001 });
    expect(other.code).toBe(EXIT_CODES.security);
    expect(other.stderr).toMatch(/TASK_NOT_OWNED.*belongs to uid 1000, not to uid 1001/);
    const broken = join(state, 'broken.json');
    await writeFile(broken, '{"format": "x"}');
    expect((await qrun(['status', broken], env)).stderr).toMatch(/RECORD_INVALID.*format must be/);
    expect((await qrun(['status', 'nope'], env)).stderr).toMatch(/RECORD_NOT_FOUND/);
  });

  it('in a job, a signal at the time limit writes the record and exits 75; resume then runs it once', async () => {
    const state = mkdtempSync(join(tmpdir(), 'qrun-tasks-'));
    const record = join(state, 'interrupted.json');
    // The time limit's signal comes as soon as the run listens for it: before the simulator is done.
    const onSignal: CliContext['onSignal'] = (_signals, listener) => {
      queueMicrotask(() => listener('SIGUSR1'));
      return () => undefined;
    };
    const env = { QRUN_STATE_DIR: state, SLURM_JOB_ID: '12', QRUN_ENDPOINT: 'local:', QRUN_BACKENDS: 'sim' };
    const running = qrun(['sample', BELL, '--record', record, '--seed', '3'], env, { onSignal });
    const run = await running;
    expect(run.code, run.stderr).toBe(75);
    expect(run.stderr).toContain(`TASK_INTERRUPTED`);
    expect(run.stderr).toContain(`qrun resume ${record}`);
    expect(JSON.parse(await readFile(record, 'utf8'))).toMatchObject({ state: 'interrupted', where: 'local', job_id: 12, vendor_jobs: [] });

    const resumed = await qrun(['resume', record], { ...env, SLURM_JOB_ID: '13' });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((JSON.parse(resumed.stdout) as { results: unknown[] }).results).toHaveLength(1);
    expect(JSON.parse(await readFile(record, 'utf8'))).toMatchObject({ state: 'completed' });
  });
});

describe('what a signal means in a job', () => {
  it('SIGTERM near the end is the time limit, earlier it is scancel; SIGUSR1/2 always interrupt', () => {
    const env = { QRUN_DEADLINE: '1000' };
    expect(meaningOf('SIGTERM', env, 999_000)).toBe('interrupt');
    expect(meaningOf('SIGTERM', env, 1_030_000)).toBe('interrupt');
    expect(meaningOf('SIGTERM', env, 500_000)).toBe('cancel');
    expect(meaningOf('SIGTERM', {}, 500_000)).toBe('cancel');
    expect(meaningOf('SIGUSR1', {}, 0)).toBe('interrupt');
    expect(meaningOf('SIGTERM', { SLURM_JOB_END_TIME: '600' }, 590_000)).toBe('interrupt');
  });
});
