/**
 * Bad input at every door: each row of docs/reliability.md's "Bad input" table, run as written. A
 * row gives the door, what was sent, the code the user sees and the exit code (or HTTP status, or
 * what the shim answers). The docs table must hold exactly these rows (checked at the end).
 */
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOG, QrunError } from '../../src/errors.js';
import { EXIT_CODES } from '../../src/cli/exit-codes.js';
import { resolveSecret } from '../../src/secrets/index.js';
import { cSkipReason } from '../helpers/c.js';
import { runCli } from '../helpers/cli.js';
import { buildParsersDriver } from '../helpers/shim-parsers.js';
import { npyBomb, npyEnvelope } from '../fuzz/mutate.js';
import { startTestGateway, type TestGateway } from './gateway/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'qpu-bad-input-'));
const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
const ONE = 'OPENQASM 3.0;\ninclude "stdgates.inc";\ninput float[64] a;\nqubit[1] q;\nrx(a) q[0];\n';

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

interface Row {
  readonly door: string;
  readonly input: string;
  readonly code: string;
  /** The exit code, `HTTP nnn`, or for the shim what sbatch/srun print. */
  readonly result: string;
}

const exit = (code: keyof typeof ERROR_CATALOG): string => String(EXIT_CODES[ERROR_CATALOG[code].family]);

// Payload files: `qrun sample|estimate FILE`.
const payloadRows: (Row & { argv: () => string[] })[] = [
  { door: 'payload file', input: 'a path that does not exist', code: 'FILE_NOT_FOUND', result: exit('FILE_NOT_FOUND'), argv: () => ['sample', join(dir, 'nope.json')] },
  { door: 'payload file', input: 'a directory', code: 'FILE_UNREADABLE', result: exit('FILE_UNREADABLE'), argv: () => ['sample', dir] },
  { door: 'payload file', input: 'text that is not JSON', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('text.json', 'pubs: bell')] },
  { door: 'payload file', input: '`null`', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('null.json', 'null')] },
  { door: 'payload file', input: 'version 1', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('v1.json', JSON.stringify({ pubs: [[BELL]], version: 1 }))] },
  { door: 'payload file', input: 'an estimator payload given to `qrun sample`', code: 'PAYLOAD_PROGRAM_MISMATCH', result: exit('PAYLOAD_PROGRAM_MISMATCH'), argv: () => ['sample', file('wrong-program.json', JSON.stringify({ program_id: 'estimator', parameters: { pubs: [[ONE, 'Z', [0.1]]], version: 2 } }))] },
  { door: 'payload file', input: 'a circuit that is not OpenQASM', code: 'QASM_SYNTAX', result: exit('QASM_SYNTAX'), argv: () => ['sample', file('syntax.json', JSON.stringify({ pubs: [['qubit q; h q[0'], ], version: 2 }))] },
  { door: 'payload file', input: 'a QPY-encoded circuit', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('qpy.json', JSON.stringify({ pubs: [[{ __type__: 'QuantumCircuit', __value__: 'UVBZ' }]], version: 2 }))] },
  { door: 'payload file', input: 'parameter values nested 10 000 deep', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('deep.json', `{"pubs": [[${JSON.stringify(ONE)}, ${'['.repeat(10_000)}0.5${']'.repeat(10_000)}]], "version": 2}`)] },
  { door: 'payload file', input: 'an ndarray with 5 000 dimensions', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('dims.json', JSON.stringify({ pubs: [[ONE, npyEnvelope('<f8', Array.from({ length: 5000 }, () => '1').join(','), false, new Uint8Array(8))]], version: 2 }))] },
  { door: 'payload file', input: 'an ndarray of shape (2^40, 0)', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('empty-lists.json', JSON.stringify({ pubs: [[ONE, npyEnvelope('<f8', `${2 ** 40}, 0`, false, new Uint8Array(0))]], version: 2 }))] },
  { door: 'payload file', input: 'an ndarray that inflates to 160 MiB', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('bomb.json', JSON.stringify({ pubs: [[ONE, npyBomb(160)]], version: 2 }))] },
  { door: 'payload file', input: 'shots NaN (written as a string) or -1', code: 'PAYLOAD_INVALID', result: exit('PAYLOAD_INVALID'), argv: () => ['sample', file('shots.json', JSON.stringify({ pubs: [[BELL, null, -1]], version: 2, shots: 'NaN' }))] },
  { door: 'payload file', input: 'an unknown name in `options.mitigation`', code: 'PIPELINE_UNKNOWN_STEP', result: exit('PIPELINE_UNKNOWN_STEP'), argv: () => ['estimate', file('mitigation.json', JSON.stringify({ pubs: [[ONE, 'Z', [0.1]]], version: 2, options: { mitigation: ['zne', 'magic'] } }))] },
  { door: 'payload file', input: 'an unknown step in `options.pipeline`', code: 'PIPELINE_UNKNOWN_STEP', result: exit('PIPELINE_UNKNOWN_STEP'), argv: () => ['estimate', file('pipeline.json', JSON.stringify({ pubs: [[ONE, 'Z', [0.1]]], version: 2, options: { pipeline: [{ name: 'magic' }] } }))] },
  { door: 'payload file', input: 'a 2^31-qubit register', code: 'CIRCUIT_TOO_LARGE', result: exit('CIRCUIT_TOO_LARGE'), argv: () => ['sample', file('huge.json', JSON.stringify({ pubs: [['OPENQASM 3.0; qubit[2147483648] q;']], version: 2 }))] },
];

// Catalogue files and the plugstack line: `qrun admin check-config FILE [--plugstack FILE]`.
const catalogueRows: (Row & { argv: () => string[] })[] = [
  { door: 'catalogue file', input: 'a path that does not exist', code: 'CONFIG_NOT_FOUND', result: exit('CONFIG_NOT_FOUND'), argv: () => ['admin', 'check-config', join(dir, 'none.json')] },
  { door: 'catalogue file', input: 'text that is not JSON', code: 'CONFIG_UNREADABLE', result: exit('CONFIG_UNREADABLE'), argv: () => ['admin', 'check-config', file('cat-text.json', '{"version": 1,')] },
  { door: 'catalogue file', input: '`null`', code: 'CONFIG_INVALID', result: exit('CONFIG_INVALID'), argv: () => ['admin', 'check-config', file('cat-null.json', 'null')] },
  { door: 'catalogue file', input: 'an unknown backend type', code: 'CONFIG_INVALID', result: exit('CONFIG_INVALID'), argv: () => ['admin', 'check-config', file('cat-type.json', JSON.stringify({ version: 1, backends: { q: { type: 'warp', capacity: { gres: 'q', lanes: 1 } } } }))] },
  { door: 'catalogue file', input: 'an alias with a space, lanes -1', code: 'CONFIG_INVALID', result: exit('CONFIG_INVALID'), argv: () => ['admin', 'check-config', file('cat-alias.json', JSON.stringify({ version: 1, backends: { 'my qpu': { type: 'sim', capacity: { gres: 'sim', lanes: -1 } } } }))] },
  { door: 'plugstack.conf', input: 'a 5 000-character `config=`', code: 'PLUGSTACK_ARG_INVALID', result: exit('PLUGSTACK_ARG_INVALID'), argv: () => ['admin', 'check-config', 'slurm-conf/qpu.example.json', '--plugstack', file('plugstack-long.conf', `required /usr/lib/slurm/spank_qpu.so config=/${'a'.repeat(5000)}.json\n`)] },
  { door: 'plugstack.conf', input: 'an unknown key, a relative path', code: 'PLUGSTACK_ARG_INVALID', result: exit('PLUGSTACK_ARG_INVALID'), argv: () => ['admin', 'check-config', 'slurm-conf/qpu.example.json', '--plugstack', file('plugstack-keys.conf', 'required spank_qpu.so colour=blue config=qpu.json\n')] },
];

// Secret references, as the hook resolves them.
const secretRows: (Row & { ref: () => string })[] = [
  { door: 'secret reference', input: 'an unknown scheme (`vault:x`)', code: 'CONFIG_INVALID', result: 'hook refuses the job', ref: () => 'vault:x' },
  { door: 'secret reference', input: 'a relative file path', code: 'CONFIG_INVALID', result: 'hook refuses the job', ref: () => 'file:secrets/ibm.json' },
  { door: 'secret reference', input: 'a file that does not exist', code: 'SECRET_UNAVAILABLE', result: 'hook refuses the job', ref: () => `file:${join(dir, 'no-secret')}` },
  { door: 'secret reference', input: 'a file others may read', code: 'SECRET_INSECURE', result: 'hook refuses the job', ref: () => { const p = file('open-secret', 'k'); chmodSync(p, 0o644); return `file:${p}`; } },
  { door: 'secret reference', input: 'an unset `env:` variable', code: 'SECRET_UNAVAILABLE', result: 'hook refuses the job', ref: () => 'env:QPU_NO_SUCH_VARIABLE' },
];

// The job gateway's HTTP API, over its Unix socket.
const gatewayRows: (Row & { method: string; path: string; headers?: Record<string, string>; body?: string })[] = [
  { door: 'gateway HTTP', input: 'no bearer token', code: 'AUTH_FAILED', result: 'HTTP 401', method: 'GET', path: '/v1/usage', headers: { authorization: '' } },
  { door: 'gateway HTTP', input: "another job's token", code: 'AUTH_FAILED', result: 'HTTP 401', method: 'GET', path: '/v1/usage', headers: { authorization: 'Bearer qrun_1_AAAA' } },
  { door: 'gateway HTTP', input: 'an unknown path, `//`, `/v2/tasks`', code: 'ROUTE_NOT_FOUND', result: 'HTTP 404', method: 'GET', path: '//' },
  { door: 'gateway HTTP', input: 'PUT /v1/tasks', code: 'ROUTE_NOT_FOUND', result: 'HTTP 404', method: 'PUT', path: '/v1/tasks' },
  { door: 'gateway HTTP', input: 'a body that is not JSON', code: 'PAYLOAD_INVALID', result: 'HTTP 400', method: 'POST', path: '/v1/tasks', body: '{"program_id": ' },
  { door: 'gateway HTTP', input: 'a task with an unknown field', code: 'PAYLOAD_INVALID', result: 'HTTP 400', method: 'POST', path: '/v1/tasks', body: JSON.stringify({ program_id: 'sampler', params: { pubs: [[BELL]], version: 2 }, extra: 1 }) },
  { door: 'gateway HTTP', input: 'a body over the size limit', code: 'REQUEST_TOO_LARGE', result: 'HTTP 413', method: 'POST', path: '/v1/tasks', body: `"${'x'.repeat(70_000)}"` },
  { door: 'gateway HTTP', input: '`?format=evil`, `?wait=NaN`', code: 'OPTION_INVALID', result: 'HTTP 400', method: 'POST', path: '/v1/tasks?format=evil', body: '{}' },
  { door: 'gateway HTTP', input: 'a task id that does not exist', code: 'TASK_NOT_FOUND', result: 'HTTP 404', method: 'GET', path: '/v1/tasks/t-nope/result' },
  { door: 'gateway HTTP', input: 'an unknown mitigation step in the task options', code: 'PIPELINE_UNKNOWN_STEP', result: 'HTTP 400', method: 'POST', path: '/v1/tasks?wait=30', body: JSON.stringify({ program_id: 'sampler', params: { pubs: [[BELL]], version: 2 }, options: { mitigation: ['magic'] } }) },
];

// The shim's option parser: what sbatch/salloc/srun print for `--q_backend=VALUE` (they then exit 1).
const shimRows: (Row & { value: string })[] = [
  { door: '--q_backend', input: 'empty', code: '(shim)', result: 'a backend name is required', value: '' },
  { door: '--q_backend', input: '`a,,b`', code: '(shim)', result: 'empty backend name', value: 'a,,b' },
  { door: '--q_backend', input: '`sim;rm -rf /`', code: '(shim)', result: "invalid character ';'", value: 'sim;rm -rf /' },
  { door: '--q_backend', input: 'a 64-character name', code: '(shim)', result: 'backend name longer than 63 characters', value: 'x'.repeat(64) },
  { door: '--q_backend', input: '17 names', code: '(shim)', result: 'more than 16 backends', value: Array.from({ length: 17 }, (_, i) => `b${i}`).join(',') },
  { door: '--q_backend', input: 'a name given twice', code: '(shim)', result: 'named twice', value: 'sim,sim' },
];

describe('bad input at every door', () => {
  it.each(payloadRows.map((r) => [r.input, r] as const))('payload file: %s', async (_name, row) => {
    const ran = await runCli([...row.argv(), '--json'], { QRUN_NATIVE: '0' });
    expect(String(ran.code), ran.stderr).toBe(row.result);
    expect((JSON.parse(ran.stderr) as { error: { code: string } }).error.code).toBe(row.code);
  }, 60_000);

  it.each(catalogueRows.map((r) => [r.input, r] as const))('%s', async (_name, row) => {
    const ran = await runCli([...row.argv(), '--json']);
    expect(String(ran.code), ran.stderr).toBe(row.result);
    expect((JSON.parse(ran.stderr) as { error: { code: string } }).error.code).toBe(row.code);
  });

  it.each(secretRows.map((r) => [r.input, r] as const))('secret reference: %s', async (_name, row) => {
    const error = await resolveSecret(row.ref(), { env: {} }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(QrunError);
    expect((error as QrunError).code).toBe(row.code);
  });

  describe('gateway HTTP', () => {
    let gateway: TestGateway;
    beforeAll(async () => {
      gateway = await startTestGateway({ config: { limits: { maxRequestBytes: 64 * 1024 } } });
    });
    afterAll(async () => {
      await gateway.stop();
    });

    it.each(gatewayRows.map((r) => [r.input, r] as const))('%s', async (_name, row) => {
      const headers: Record<string, string> = { authorization: `Bearer ${gateway.token}`, ...row.headers };
      if (headers['authorization'] === '') delete headers['authorization'];
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ socketPath: gateway.server.socketPath, method: row.method, path: row.path, headers }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end(row.body);
      });
      expect(`HTTP ${answer.status}`, answer.body).toBe(row.result);
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe(row.code);
    });
  });

  describe.skipIf(cSkipReason(dir) !== '')('--q_backend (the shim, under ASan/UBSan)', () => {
    it('refuses each value with its reason', () => {
      const out = buildParsersDriver(dir)(shimRows.map((r) => `args ${r.value}`));
      shimRows.forEach((row, i) => expect(out[i]).toContain(row.result));
    });
  });

  it("docs/reliability.md's Bad input table holds exactly these rows", () => {
    const doc = readFileSync(new URL('../../docs/reliability.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Bad input'), doc.indexOf('\n## ', doc.indexOf('## Bad input') + 1) >>> 0 || undefined);
    const tableRows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| door') && !l.startsWith('|---'));
    const expected = [...payloadRows, ...catalogueRows, ...secretRows, ...gatewayRows, ...shimRows].map((r) => `| ${r.door} | ${r.input} | ${r.code} | ${r.result} |`);
    expect(tableRows).toEqual(expected);
  });
});
