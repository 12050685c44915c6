import { describe, expect, it } from 'vitest';
import { parseRequest, ProtocolError, renderReply, stepName } from '../../../src/hook/protocol.js';

const valid = {
  version: 1,
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
    ['another version', { ...valid, version: 2 }, /version/],
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

  it('renders one JSON line with the protocol version', () => {
    const line = renderReply({ ok: false, message: 'no' });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ version: 1, ok: false, message: 'no' });
  });

  it('names Slurm special steps', () => {
    expect(stepName(0xfffffffb)).toBe('batch');
    expect(stepName(3)).toBe('3');
  });
});
