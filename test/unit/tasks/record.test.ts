import { mkdtempSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseRecord, RECORD_FORMAT, stateFromStatus, updateRecord, type TaskRecord } from '../../../src/tasks/record.js';
import { newRecordId, readRecord, recordPath, recordsDir, writeRecord } from '../../../src/tasks/store.js';

const RECORD: TaskRecord = {
  format: RECORD_FORMAT,
  id: '20260101T000000-abcdef',
  backend: 'ibm_fake',
  where: 'gateway',
  durability: 'detached',
  job_id: 42,
  gateway_task_id: 'g-1',
  vendor_jobs: [{ program: 'sampler', id: 'v-1' }],
  binding: 'b',
  owner_uid: 1000,
  payload_digest: 'sha256:00',
  encoding: 'plain',
  request: { program_id: 'sampler', params: { pubs: [], version: 2 }, options: {} },
  submitted: '2026-01-01T00:00:00.000Z',
  updated: '2026-01-01T00:00:00.000Z',
  state: 'queued',
  result_file: null,
  error: null,
};

describe('task records', () => {
  it('reads back what it writes, private to the user', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qrun-records-'));
    const file = join(dir, 'tasks', `${RECORD.id}.json`);
    await writeRecord(file, RECORD);
    expect(await readRecord(file)).toEqual(RECORD);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir, 'tasks'))).mode & 0o777).toBe(0o700);
  });

  it('names the field that is wrong', () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ format: 'other' }, /format must be slurm-qpu.task-record\/1/],
      [{ owner_uid: -1 }, /owner_uid must be a uid/],
      [{ state: 'lost' }, /state must be one of/],
      [{ vendor_jobs: [{ program: 'x', id: 'v' }] }, /vendor_jobs must be a list/],
      [{ id: '../escape' }, /id has characters/],
      [{ durability: 'forever' }, /durability must be one of/],
    ];
    for (const [change, message] of bad) {
      expect(() => parseRecord({ ...RECORD, ...change }, 'r.json')).toThrow(expect.objectContaining({ code: 'RECORD_INVALID', message: expect.stringMatching(message) as string }) as Error);
    }
  });

  it('lives in QRUN_STATE_DIR, XDG_STATE_HOME or ~/.local/state, and a path or an id names one', () => {
    expect(recordsDir({ QRUN_STATE_DIR: '/s', HOME: '/h' })).toBe('/s/tasks');
    expect(recordsDir({ XDG_STATE_HOME: '/x', HOME: '/h' })).toBe('/x/slurm-qpu/tasks');
    expect(recordsDir({ HOME: '/h' })).toBe('/h/.local/state/slurm-qpu/tasks');
    expect(recordPath('abc', { HOME: '/h' }, '/cwd')).toBe('/h/.local/state/slurm-qpu/tasks/abc.json');
    expect(recordPath('sub/r.json', { HOME: '/h' }, '/cwd')).toBe('/cwd/sub/r.json');
    expect(() => recordPath('a b', { HOME: '/h' }, '/cwd')).toThrow(expect.objectContaining({ code: 'RECORD_NOT_FOUND' }) as Error);
    expect(newRecordId(new Date('2026-03-04T05:06:07.890Z'))).toMatch(/^20260304T050607-[0-9a-f]{6}$/);
  });

  it('updates keep the owner and the submission time, and map gateway states', () => {
    const later = updateRecord(RECORD, { state: 'completed' }, new Date('2026-01-02T00:00:00Z'));
    expect(later).toMatchObject({ owner_uid: 1000, submitted: RECORD.submitted, updated: '2026-01-02T00:00:00.000Z', state: 'completed' });
    expect(['Queued', 'Running', 'Completed', 'Failed', 'Cancelled'].map(stateFromStatus)).toEqual(['queued', 'running', 'completed', 'failed', 'cancelled']);
  });
});
