import { describe, expect, it } from 'vitest';
import { describeSecretRef, parseSecretRef } from '../../../src/secrets/index.js';

describe('secret references', () => {
  it.each([
    ['file:/etc/slurm/qpu-secrets/ibm.key', { kind: 'file', path: '/etc/slurm/qpu-secrets/ibm.key' }],
    ['env:IBM_API_KEY', { kind: 'env', name: 'IBM_API_KEY' }],
    ['exec:/usr/local/sbin/vault-get ibm prod', { kind: 'exec', path: '/usr/local/sbin/vault-get', args: ['ibm', 'prod'] }],
    ['keyring:slurm-qpu/ibm', { kind: 'keyring', service: 'slurm-qpu', account: 'ibm' }],
  ])('parses %s', (ref, expected) => {
    expect(parseSecretRef(ref)).toEqual(expected);
  });

  it.each(['file:relative/path', 'env:1BAD', 'exec:helper', 'keyring:nosplit', 'keyring:/x', 'vault:x', 'plain-api-key'])(
    'refuses %s with the accepted forms',
    (ref) => {
      expect(() => parseSecretRef(ref)).toThrowError(expect.objectContaining({ code: 'CONFIG_INVALID', hint: expect.stringContaining('file:/absolute/path') }));
    },
  );

  it('describes a reference without any arguments an exec helper gets', () => {
    expect(describeSecretRef(parseSecretRef('exec:/bin/get token-id'))).toBe('exec:/bin/get');
  });
});
