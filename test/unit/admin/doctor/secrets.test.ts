import { chmod, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { secretFindings } from '../../../../src/admin/doctor/secrets.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';

const isRoot = process.getuid?.() === 0;

function catalogueWith(secret: string) {
  return catalogueSchema.parse({ version: 1, backends: { ibm: { type: 'sim', capacity: { gres: 'ibm', lanes: 1 }, metadata: { num_qubits: 4 }, secret } } });
}

describe('doctor: secret references', () => {
  it.runIf(isRoot)('a root file of mode 0600 is fine; 0644 fails with the chmod that fixes it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'doctor-secret-'));
    const path = join(dir, 'ibm.key');
    await writeFile(path, 'key\n', { mode: 0o600 });
    expect((await secretFindings(catalogueWith(`file:${path}`), {}))[0]).toMatchObject({ status: 'ok' });
    await chmod(path, 0o644);
    expect((await secretFindings(catalogueWith(`file:${path}`), {}))[0]).toEqual({
      check: 'secret.ibm',
      status: 'fail',
      message: `ibm: secret file ${path} has mode 0644: its group or others may read it`,
      fix: `chmod 600 ${path}`,
    });
  });

  it('a missing file fails with the command that creates it', async () => {
    const [finding] = await secretFindings(catalogueWith('file:/nonexistent/qpu/ibm.key'), {});
    expect(finding).toMatchObject({ status: 'fail', fix: expect.stringContaining('install -m 600 -o root -g root /dev/null /nonexistent/qpu/ibm.key') });
  });

  it('an env: reference missing here is a warning (slurmd has its own environment)', async () => {
    const [finding] = await secretFindings(catalogueWith('env:IBM_KEY'), {});
    expect(finding).toMatchObject({ status: 'warn', fix: expect.stringContaining('slurmd') });
  });
});
