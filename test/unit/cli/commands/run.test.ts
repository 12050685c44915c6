/**
 * `qrun run`: a vendor-native payload outside a job (the simulator refuses it, naming where it runs),
 * and inside one, through a real gateway in this process to the Pasqal Cloud fake, beside a
 * simulator backend that refuses it and a Pasqal backend that refuses gate circuits.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPasqalRunner } from '../../../../src/backends/pasqal-cloud/runner.js';
import { simBackend } from '../../../../src/backends/sim/index.js';
import { startPasqalCloudFake, type PasqalCloudFake } from '../../../fakes/pasqal-cloud/index.js';
import { gatewayBackend, piPulsePayload } from '../../backends/pasqal-cloud/helpers.js';
import { startTestGateway, type TestGateway } from '../../gateway/helpers.js';
import { qrun, tempDir, writeJson } from '../primitives-helpers.js';

interface Plain {
  results: { data: Record<string, { samples: string[]; num_bits: number }>; metadata: Record<string, unknown> }[];
  metadata: Record<string, unknown>;
}

describe('qrun run outside a QPU job', () => {
  it('checks the payload, then refuses it on the simulator, naming the backend type that runs it', async () => {
    const dir = tempDir();
    const bad = await qrun(['run', writeJson(dir, 'bad.json', { program: 'pulser', shots: -1 })]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('NATIVE_PAYLOAD_INVALID');
    expect(bad.stderr).toMatch(/sequence: /);
    const refused = await qrun(['run', writeJson(dir, 'pi.json', piPulsePayload())]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('NATIVE_PROGRAM_UNSUPPORTED');
    expect(refused.stderr).toContain('pulser programs run on backends of type pasqal-cloud');
  });
});

describe('qrun run in a QPU job', () => {
  let fake: PasqalCloudFake;
  let gateway: TestGateway;
  let env: Record<string, string>;
  let dir: string;

  beforeAll(async () => {
    fake = await startPasqalCloudFake();
    const pasqal = gatewayBackend(fake);
    gateway = await startTestGateway({
      config: {
        backends: [
          { name: 'pasqal_fake', type: 'pasqal-cloud', secretRequired: true, secret: fake.clientSecret, settings: pasqal.settings },
          { name: 'sim', type: 'sim', metadata: { num_qubits: 4, max_shots: 10_000 } },
        ],
      },
      runners: { 'pasqal-cloud': createPasqalRunner({ deadline: null }, { poll: { initialMs: 20, maxMs: 100, factor: 2 } }), sim: simBackend.runner() },
    });
    env = { QRUN_ENDPOINT: gateway.endpoint, QRUN_TOKEN: gateway.token, QRUN_BACKENDS: 'pasqal_fake,sim' };
    dir = tempDir();
    writeJson(dir, 'pi.json', piPulsePayload());
  });

  afterAll(async () => {
    await gateway?.stop();
    await fake?.close();
  });

  it("writes the device's counts as the sampler's result shape", async () => {
    const run = await qrun(['run', 'pi.json', 'out.json', '--shots', '20'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^wrote 20 shots to out\.json \(backend pasqal_fake, [\d.]+ s\)\n$/);
    const result = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as Plain;
    expect(result.results[0]?.data['atoms']).toEqual({ samples: new Array<string>(20).fill('0x3'), num_bits: 2 });
    expect(result.results[0]?.metadata).toMatchObject({ counts: { '11': 20 }, atoms: ['q0', 'q1'] });
    expect(result.metadata).toMatchObject({ backend: 'pasqal_fake', device: 'FRESNEL' });
  });

  it('is refused by the simulator backend of the same job, with the type that runs it', async () => {
    const run = await qrun(['run', '--backend', 'sim', 'pi.json'], { cwd: dir, env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('NATIVE_PROGRAM_UNSUPPORTED');
    expect(run.stderr).toContain('backend sim (type sim)');
  });

  it('and gate circuits are refused by the analog backend', async () => {
    const run = await qrun(['sample', '--backend', 'pasqal_fake', join(process.cwd(), 'examples/bell.json')], { cwd: dir, env });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('PRIMITIVE_UNSUPPORTED');
    expect(run.stderr).toContain('qrun run');
  });

  it('refuses a register the device cannot hold, and nothing reaches Pasqal', async () => {
    const before = fake.counts()['POST /core-fast/api/v1/batches'] ?? 0;
    const payload = piPulsePayload();
    payload.sequence.register = Array.from({ length: 26 }, (_, i) => ({ name: `q${i}`, x: 30 * i, y: 0 }));
    const run = await qrun(['run', writeJson(dir, 'big.json', payload)], { cwd: dir, env });
    expect(run.stderr).toContain('SEQUENCE_DOES_NOT_FIT');
    expect(run.stderr).toContain('26 atoms');
    expect(fake.counts()['POST /core-fast/api/v1/batches'] ?? 0).toBe(before);
  });
});
