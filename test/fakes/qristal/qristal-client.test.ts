/**
 * The fake checked against Qristal's reading of the QB hardware API, through a client written from
 * qristal-core's qdk backend (qristal_client.py; no QB client is published on PyPI), and the
 * backend's own requests checked to carry the fields and forms that client sends.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pythonSkipReason, venvPython } from '../../helpers/python.js';
import { startQristalFake, type QristalFake } from './index.js';

const CLIENT = join(import.meta.dirname, 'qristal_client.py');
const skip = pythonSkipReason();

/** A Bell pair as Qristal's CZ visitor writes h q[0]; cx q[0],q[1] (fixed notation, 6 digits). */
const BELL = {
  qubits: 2,
  shots: 64,
  circuit: ['Ry(q[0],1.570796)', 'Rx(q[0],3.141593)', 'Ry(q[1],1.570796)', 'Rx(q[1],3.141593)', 'CZ(q[0],q[1])', 'Ry(q[1],1.570796)', 'Rx(q[1],3.141593)'],
  measure: [0, 1],
};

function runClient(args: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(venvPython(), [CLIENT, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop() ?? '{}') as Record<string, unknown>) : reject(new Error(`client exited ${code}: ${err}`))));
  });
}

describe.skipIf(skip !== '')(`the fake QB device driven by a client written from Qristal's qdk backend${skip === '' ? '' : ` (skipped: ${skip})`}`, () => {
  let fake: QristalFake;
  let spec: string;
  beforeAll(async () => {
    fake = await startQristalFake({ runDelayMs: 20 });
    const dir = mkdtempSync(join(tmpdir(), 'qristal-client-'));
    spec = join(dir, 'bell.json');
    writeFileSync(spec, JSON.stringify(BELL));
  });
  afterAll(async () => {
    await fake.close();
  });

  it('reserves, runs a Bell circuit to Bell counts, is refused under another token, and releases', async () => {
    const end = Math.floor(Date.now() / 1000) + 600;
    const first = await runClient([fake.url, spec, '--token', fake.token('site-reservation-1', end)]);
    expect(first['native_gates']).toMatchObject({ native_gates: ['Rx', 'Ry', 'CZ'] });
    const counts = first['counts'] as Record<string, number>;
    expect(Object.keys(counts).every((k) => k === '00' || k === '11')).toBe(true);
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(64);
    expect(fake.reservation()?.session).toBe('site-reservation-1');

    // qdk reads 503 as "already reserved using a different token".
    const second = await runClient([fake.url, spec, '--token', fake.token('site-reservation-2', end)]);
    expect(second).toEqual({ error: 503, detail: 'Token rejected. QB hardware already reserved using a different token.' });
    const forged = await runClient([fake.url, spec, '--token', fake.token('site-reservation-1', end, 'another-secret')]);
    expect(forged).toMatchObject({ error: 401 });

    const released = await runClient([fake.url, spec, '--token', fake.token('site-reservation-1', end), '--release']);
    expect(released['counts']).toBeDefined();
    expect(fake.reservation()).toBeNull();
    const open = await runClient([fake.url, spec]);
    expect(open['counts']).toBeDefined();
    // Every request carried the headers qdk sends; the polls met 425 before the shots were there.
    const polls = fake.requests.filter((r) => r.route === 'GET /circuits/{id}').map((r) => r.status);
    expect(polls).toContain(200);
    expect(fake.requests.every((r) => r.headers['accept'] === '*/*' && r.headers['content-type'] === 'application/json')).toBe(true);
    expect(fake.secretsInUrls()).toEqual([]);
  });
});
