import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIbmComputeFake, type IbmComputeFake } from '../../../fakes/ibm-quantum-compute/index.js';
import { runCli } from '../../../helpers/cli.js';

let fake: IbmComputeFake;
let dir: string;

function catalogue(keyFile: string): Record<string, unknown> {
  const url = new URL(fake.url);
  return {
    version: 1,
    backends: {
      sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 20 } },
      ibm: {
        type: 'ibm-quantum-compute-service',
        description: 'the contract fake',
        capacity: { license: 'qpu_ibm', lanes: 2 },
        endpoint: `${url.origin}/api`,
        auth_endpoint: fake.iamUrl,
        instance: fake.instance,
        device: fake.devices[0]?.name,
        secret: `file:${keyFile}`,
      },
    },
  };
}

async function writeCatalogue(name: string, key: string): Promise<string> {
  const keyFile = join(dir, `${name}.key`);
  await writeFile(keyFile, key, { mode: 0o600 });
  const file = join(dir, `${name}.json`);
  await writeFile(file, JSON.stringify(catalogue(keyFile)));
  return file;
}

beforeAll(async () => {
  fake = await startIbmComputeFake();
  dir = await mkdtemp(join(tmpdir(), 'qpu-site-backends-'));
});
afterAll(async () => {
  await fake.close();
  await rm(dir, { recursive: true, force: true });
});

interface Listed {
  catalogue: string;
  backends: { name: string; type: string; capacity: unknown; request: string; reachable: boolean | null; reason: string | null }[];
}

describe('qrun backends --catalogue', () => {
  it("lists the site's backends with their type, capacity and the line that requests them", async () => {
    const file = await writeCatalogue('list', fake.apiKey);
    const run = await runCli(['--json', 'backends', '--catalogue', file]);
    expect(run.stderr).toBe('');
    const listed = JSON.parse(run.stdout) as Listed;
    expect(listed.backends).toEqual([
      { name: 'sim', type: 'sim', description: null, capacity: { gres: 'sim', lanes: 4 }, request: '#SBATCH --gres=qpu:sim:1', reachable: null, reason: null, drained: null },
      { name: 'ibm', type: 'ibm-quantum-compute-service', description: 'the contract fake', capacity: { license: 'qpu_ibm', lanes: 2 }, request: '#SBATCH -L qpu_ibm:1', reachable: null, reason: null, drained: null },
    ]);
    const text = await runCli(['backends', '--catalogue', file]);
    expect(text.stdout).toContain('ibm (ibm-quantum-compute-service): 2 lanes as license qpu_ibm; request with #SBATCH -L qpu_ibm:1');
  });

  it('refuses --check to a user who cannot read the credentials, saying how to run it', async () => {
    const file = await writeCatalogue('noroot', fake.apiKey);
    const run = await runCli(['--json', 'backends', '--catalogue', file, '--check'], {}, { uid: 1000 });
    expect(run.code).not.toBe(0);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'NOT_ROOT', hint: expect.stringContaining('sudo qrun backends') as string } });
  });

  it.skipIf(process.getuid?.() !== 0)('--check asks each backend: the vendor answers, a refused key is named with what to do', async () => {
    const good = JSON.parse((await runCli(['--json', 'backends', '--catalogue', await writeCatalogue('good', fake.apiKey), '--check'], {}, { uid: 0 })).stdout) as Listed;
    expect(good.backends.map((b) => [b.name, b.reachable])).toEqual([
      ['sim', true],
      ['ibm', true],
    ]);
    const bad = JSON.parse((await runCli(['--json', 'backends', '--catalogue', await writeCatalogue('bad', 'not-the-key'), '--check'], {}, { uid: 0 })).stdout) as Listed;
    const ibm = bad.backends.find((b) => b.name === 'ibm');
    expect(ibm?.reachable).toBe(false);
    expect(ibm?.reason).toMatch(/BXNIM0415E/);
    expect(ibm?.reason).not.toContain('not-the-key');
  });
});
