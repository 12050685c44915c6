import { describe, expect, it } from 'vitest';
import { parseRequest, ProtocolError, renderReply, REPLY_LINE_MAX, REPLY_MESSAGE_MAX, stepName } from '../../../src/hook/protocol.js';

const valid = {
  version: 2,
  action: 'acquire',
  job_id: 42,
  step_id: 0,
  uid: 1000,
  gid: 1000,
  backends: ['sim'],
  config: '/etc/slurm/qpu.json',
  state_dir: '/var/lib/slurm-qpu',
  service_user: 'qpu-gateway',
  timeout: 30,
  hostname: 'node1',
};

describe('hook protocol', () => {
  it('parses the request the shim writes (spank/hook.c)', () => {
    expect(parseRequest(JSON.stringify(valid), 'acquire')).toMatchObject({
      jobId: 42,
      stepId: 0,
      uid: 1000,
      backends: ['sim'],
      stateDir: '/var/lib/slurm-qpu',
      timeoutSeconds: 30,
    });
  });

  it('accepts a release without backends and an unknown uid', () => {
    const release = { ...valid, action: 'release', backends: [], uid: 4294967295, step_id: 4294967295 };
    expect(parseRequest(JSON.stringify(release), 'release').uid).toBe(4294967295);
  });

  it.each<[string, unknown, RegExp]>([
    ['not JSON', '{', /not JSON/],
    ['an array', '[]', /object/],
    ['an older shim\'s request', { ...valid, version: 1 }, /request.version is 1, this handler speaks 2; install one slurm-qpu version/],
    ['an action that disagrees with argv', { ...valid, action: 'release' }, /argv/],
    ['job id 0', { ...valid, job_id: 0 }, /job_id/],
    ['a negative uid', { ...valid, uid: -1 }, /uid/],
    ['a fractional step', { ...valid, step_id: 1.5 }, /step_id/],
    ['no backends on acquire', { ...valid, backends: [] }, /empty/],
    ['a non-string backend', { ...valid, backends: [1] }, /backends/],
    ['a relative state dir', { ...valid, state_dir: 'state' }, /absolute/],
    ['a relative config', { ...valid, config: 'qpu.json' }, /absolute/],
  ])('rejects %s', (_name, body, message) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    expect(() => parseRequest(text, 'acquire')).toThrow(ProtocolError);
    expect(() => parseRequest(text, 'acquire')).toThrow(message);
  });

  it('renders a refusal as status, message and end lines', () => {
    expect(renderReply({ ok: false, message: 'no' })).toBe('qpu-reply 2 error\nmessage no\nend\n');
  });

  it('renders a grant with one env line per variable, in order', () => {
    const text = renderReply({ ok: true, message: 'lease acquired', env: { QRUN_BACKENDS: 'sim,sim_shared', SLURM_JOB_QPU_TYPES: 'sim,sim' } });
    expect(text).toBe('qpu-reply 2 ok\nmessage lease acquired\nenv QRUN_BACKENDS=sim,sim_shared\nenv SLURM_JOB_QPU_TYPES=sim,sim\nend\n');
  });

  it('never sends env lines on a refusal', () => {
    expect(renderReply({ ok: false, message: 'no', env: { QRUN_TOKEN: 'x' } })).not.toContain('env ');
  });

  it('keeps a message to its first line, without control characters, within the shim\'s limit', () => {
    expect(renderReply({ ok: false, message: 'qpu.json is invalid:\n  backends.sim: bad' })).toBe('qpu-reply 2 error\nmessage qpu.json is invalid:\nend\n');
    expect(renderReply({ ok: false, message: 'a\tb\u001b[31mc\r' })).toContain('message a b [31mc\n');
    const long = renderReply({ ok: false, message: 'é'.repeat(REPLY_MESSAGE_MAX) });
    const line = long.split('\n')[1] ?? '';
    expect(Buffer.byteLength(line.slice('message '.length))).toBeLessThanOrEqual(REPLY_MESSAGE_MAX);
    expect(line).toMatch(/^message é+$/);
  });

  it.each<[string, Record<string, string>, RegExp]>([
    ['a newline in a value', { QRUN_TOKEN: 'a\nenv QRUN_ENDPOINT=evil' }, /QRUN_TOKEN holds a newline/],
    ['a name outside QRUN_* and SLURM_JOB_QPU_*', { LD_PRELOAD: '/tmp/x.so' }, /LD_PRELOAD/],
    ['a lower-case name', { QRUN_token: 'x' }, /QRUN_token/],
    ['a value longer than a line', { QRUN_ENDPOINT: 'x'.repeat(REPLY_LINE_MAX) }, /longer than a reply line/],
    ['more variables than the shim takes', Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`QRUN_V${i}`, 'x'])), /at most 16/],
  ])('refuses to render %s', (_name, env, message) => {
    expect(() => renderReply({ ok: true, env })).toThrow(ProtocolError);
    expect(() => renderReply({ ok: true, env })).toThrow(message);
  });

  it('names Slurm special steps', () => {
    expect(stepName(0xfffffffb)).toBe('batch');
    expect(stepName(3)).toBe('3');
  });
});
