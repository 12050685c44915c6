import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { qrmiConfigSchema } from '../../../../src/admin/qrmi/config.js';
import { planImport } from '../../../../src/admin/qrmi/plan.js';
import { entryBase } from '../../../../src/backends/entry.js';
import { backendFor } from '../../../../src/backends/registry.js';
import type { Backend } from '../../../../src/backends/types.js';
import { EXIT_CODES } from '../../../../src/cli/exit-codes.js';
import { catalogueSchema } from '../../../../src/config/catalogue.js';
import { runCli } from '../../../helpers/cli.js';
import { pythonSkipReason, venvPython } from '../../../helpers/python.js';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'qrmi_config.json');
const CREDENTIALS = ['fixture-api-key-fez', 'fixture-api-key-heron', 'fixture-access-key-id', 'fixture-secret-access-key', 'fixture-iqm-token', 'fixture-pasqal-token'];

async function fixture() {
  return qrmiConfigSchema.parse(JSON.parse(await readFile(FIXTURE, 'utf8')));
}

describe('qrun admin import-qrmi', () => {
  it.skipIf(pythonSkipReason() !== '')("the sample is a configuration qrmi itself loads", () => {
    const out = execFileSync(venvPython(), ['-c', `import qrmi; print(sorted(qrmi.Config.load(${JSON.stringify(FIXTURE)}).resource_map))`], { encoding: 'utf8' });
    expect(out.trim()).toBe("['FRESNEL', 'felis', 'garnet', 'ibm_fez', 'test_heron']");
  });

  it('writes a catalogue check-config accepts, with every credential moved to root-only files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-qrmi-'));
    const secrets = join(dir, 'secrets');
    const out = join(dir, 'qpu.json');
    const imported = await runCli(['admin', 'import-qrmi', FIXTURE, '--secrets-dir', secrets, '-o', out], {}, { uid: 0 });
    expect(imported.code, imported.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    for (const credential of CREDENTIALS) expect(text).not.toContain(credential);
    const catalogue = catalogueSchema.parse(JSON.parse(text));
    // garnet is IQM's: imported now that this version has the iqm-server adapter.
    expect(Object.keys(catalogue.backends)).toEqual(['ibm_fez', 'test_heron', 'garnet']);
    expect(catalogue.backends['garnet']).toMatchObject({ type: 'iqm-server' });
    expect(catalogue.backends['ibm_fez']).toMatchObject({
      type: 'ibm-quantum-compute-service',
      device: 'ibm_fez',
      session: 'batch',
      instance: 'crn:v1:bluemix:public:quantum-computing:us-east:a/0123abcd:4567-89ef::',
      capacity: { license: 'qpu_ibm_fez', lanes: 1 },
      secret: `file:${secrets}/ibm_fez.key`,
    });
    expect(catalogue.backends['test_heron']).toMatchObject({ type: 'ibm-quantum-system', s3_bucket: 'heron-jobs', timeout_secs: 600, secret: `file:${secrets}/test_heron.json` });
    expect(await readFile(join(secrets, 'ibm_fez.key'), 'utf8')).toBe('fixture-api-key-fez\n');
    expect(JSON.parse(await readFile(join(secrets, 'test_heron.json'), 'utf8'))).toEqual({
      api_key: 'fixture-api-key-heron',
      service_crn: 'crn:v1:bluemix:public:quantum-computing:us-east:a/0123abcd:heron::',
      s3_access_key_id: 'fixture-access-key-id',
      s3_secret_access_key: 'fixture-secret-access-key',
    });
    expect((await stat(join(secrets, 'ibm_fez.key'))).mode & 0o777).toBe(0o600);
    expect((await stat(secrets)).mode & 0o777).toBe(0o700);

    // What is left is reported, not dropped silently, with the Slurm lines the site still needs.
    expect(imported.stdout).toContain('imported garnet');
    // The sample's Pasqal resource lacks what the adapter needs: reported with the field, not dropped.
    expect(imported.stdout).toContain('NOT imported FRESNEL (pasqal-cloud): the pasqal-cloud entry would be invalid: client_id');
    expect(imported.stdout).toContain('NOT imported felis (alice-bob-felis): QRMI type alice-bob-felis has no equivalent');
    expect(imported.stdout).toContain('note: ibm_fez: QRMI_IBM_QRS_SESSION_MAX_TTL not carried over');
    expect(imported.stdout).toContain('slurm.conf: Licenses=qpu_ibm_fez:1,qpu_test_heron:1');
    expect(imported.stdout).toContain('jobs keep --qpu=ibm_fez and add the capacity: #SBATCH -L qpu_ibm_fez:1');

    const checked = await runCli(['admin', 'check-config', out]);
    expect(checked.code, checked.stderr).toBe(0);
  });

  it('prints the catalogue on stdout and the report on stderr without -o; --capacity gres gives gres lines', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-qrmi-'));
    const result = await runCli(['admin', 'import-qrmi', FIXTURE, '--secrets-dir', join(dir, 's'), '--capacity', 'gres', '--lanes', '2']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).backends.ibm_fez.capacity).toEqual({ gres: 'ibm_fez', lanes: 2 });
    expect(result.stderr).toContain('gres.conf:  Name=qpu Type=ibm_fez Count=2 Flags=CountOnly');
  });

  it('imports a type as soon as the registry has its adapter', async () => {
    // An IQM adapter as the parallel work may shape it: QRMI's settings lower-cased, the token as a secret.
    const iqmSchema = z.object({ ...entryBase, type: z.literal('iqm-server'), endpoint: z.string().url() }).strict();
    const iqm = { ...(backendFor('sim') as Backend), type: 'iqm-server', entrySchema: iqmSchema } as unknown as Backend;
    const plan = planImport(await fixture(), FIXTURE, { secretsDir: '/etc/slurm/qpu-secrets', capacity: 'license', lanes: 1, backendFor: (type) => (type === 'iqm-server' ? iqm : backendFor(type)) });
    expect(plan.catalogue.backends['garnet']).toEqual({ type: 'iqm-server', endpoint: 'https://iqm.example.org', capacity: { license: 'qpu_garnet', lanes: 1 }, secret: 'file:/etc/slurm/qpu-secrets/garnet.json' });
    expect(plan.secrets).toContainEqual({ path: '/etc/slurm/qpu-secrets/garnet.json', text: `${JSON.stringify({ token: 'fixture-iqm-token' }, null, 2)}\n` });
  });

  it('refuses a file that is not a QRMI configuration', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'import-qrmi-'));
    const bad = join(dir, 'bad.json');
    await writeFile(bad, '{"resources": [{"type": "iqm-server"}]}');
    const result = await runCli(['admin', 'import-qrmi', bad, '--secrets-dir', join(dir, 's')]);
    expect(result.code).toBe(EXIT_CODES.config);
    expect(result.stderr).toContain('resources.0.name');
  });
});
