import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSince, readUsageRecords, summarize } from '../../../src/admin/usage.js';
import { parseSacctOwners, parseScontrolOwner } from '../../../src/slurm/job-owners.js';
import { runCli } from '../../helpers/cli.js';

const usage = (tasks: number, shots: number, deviceMs: number) => ({ tasks, completed: tasks, failed: 0, cancelled: 0, shots, wall_ms: deviceMs * 2, device_ms: deviceMs });

async function stateDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'usage-'));
  await mkdir(join(dir, 'usage'));
  const write = (id: number, recorded: string, backends: Record<string, unknown>) =>
    writeFile(join(dir, 'usage', `${id}.json`), JSON.stringify({ job_id: id, since: recorded, recorded, backends }));
  await write(11, '2026-12-01T10:00:00.000Z', { sim: usage(2, 2000, 1500) });
  await write(12, '2026-12-02T10:00:00.000Z', { sim: usage(1, 100, 500), ibm_fez: usage(3, 300, 9000) });
  await write(13, '2026-12-03T10:00:00.000Z', { ibm_fez: usage(1, 100, 1000) });
  await writeFile(join(dir, 'usage', '14.json'), 'not json');
  return dir;
}

describe('qrun admin usage', () => {
  it('sums the records by user and by backend', async () => {
    const { records, skipped } = await readUsageRecords(await stateDir());
    expect(skipped).toHaveLength(1);
    const owners = new Map([
      [11, { user: 'alice', account: 'physics' }],
      [12, { user: 'bob', account: 'physics' }],
    ]);
    expect(summarize(records, 'user', owners, null).map((r) => [r.key, r.jobs, r.tasks, r.shots, r.device_seconds])).toEqual([
      ['bob', 1, 4, 400, 9.5],
      ['alice', 1, 2, 2000, 1.5],
      ['unknown', 1, 1, 100, 1],
    ]);
    expect(summarize(records, 'account', owners, null).map((r) => [r.key, r.jobs])).toEqual([
      ['physics', 2],
      ['unknown', 1],
    ]);
    expect(summarize(records, 'backend', owners, new Date('2026-12-02T00:00:00Z')).map((r) => [r.key, r.jobs, r.tasks])).toEqual([
      ['ibm_fez', 2, 4],
      ['sim', 1, 1],
    ]);
  });

  it('reads --since as a date or a span back from now', () => {
    const now = new Date('2026-12-03T12:00:00Z');
    expect(parseSince('7d', now).toISOString()).toBe('2026-11-26T12:00:00.000Z');
    expect(parseSince('2026-12-01', now).toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(() => parseSince('last week', now)).toThrow(/expected a date/);
  });

  it("reads job owners from sacct's and scontrol's output", () => {
    expect(parseSacctOwners('11|alice|physics\n12|bob|\n')).toEqual(new Map([[11, { user: 'alice', account: 'physics' }], [12, { user: 'bob', account: '' }]]));
    expect(parseScontrolOwner('JobId=12 JobName=x UserId=bob(1001) GroupId=bob(1001) Account=chem QOS=normal')).toEqual({ user: 'bob', account: 'chem' });
  });

  it('prints a table, and JSON for scripts', async () => {
    const dir = await stateDir();
    const table = await runCli(['admin', 'usage', '--by', 'backend', '--state-dir', dir]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^backend\s+jobs\s+tasks\s+completed\s+failed\s+cancelled\s+shots\s+device_s\s+wall_s$/);
    expect(table.stdout).toMatch(/^ibm_fez\s+2\s+4\s+4\s+0\s+0\s+400\s+10\.0\s+20\.0$/m);
    expect(table.stderr).toContain('14.json: not a usage record');
    const json = await runCli(['--json', 'admin', 'usage', '--by', 'backend', '--since', '2026-12-03', '--state-dir', dir]);
    expect(JSON.parse(json.stdout)).toMatchObject({ by: 'backend', rows: [{ key: 'ibm_fez', jobs: 1, shots: 100 }] });
  });
});
