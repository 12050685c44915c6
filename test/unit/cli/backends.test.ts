import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';
import { startTestGateway, type TestGateway } from '../gateway/helpers.js';

let gateway: TestGateway | undefined;
afterEach(async () => {
  await gateway?.stop();
  gateway = undefined;
});

describe('qrun backends', () => {
  it('lists the built-in simulator with this machine\'s limits outside a QPU job', async () => {
    const run = await runCli(['--json', 'backends']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { job_id: unknown; backends: { name: string; type: string; metadata: { num_qubits: number; max_shots: number } }[] };
    expect(report.job_id).toBeNull();
    expect(report.backends).toHaveLength(1);
    expect(report.backends[0]).toMatchObject({ name: 'sim', type: 'sim' });
    expect(report.backends[0]?.metadata.num_qubits).toBeGreaterThan(0);
    const text = await runCli(['backends']);
    expect(text.stdout).toMatch(/^sim \(sim\): \d+ qubits, any standard gate, all-to-all, at most \d+ shots\n$/);
  });

  it("inside a QPU job lists the job's granted backends as its gateway reports them", async () => {
    gateway = await startTestGateway();
    const run = await runCli(['--json', 'backends'], { QRUN_ENDPOINT: gateway.endpoint, QRUN_TOKEN: gateway.token, QRUN_BACKENDS: 'sim' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({
      job_id: 4242,
      deadline: null,
      backends: [{ name: 'sim', type: 'sim', description: null, metadata: { num_qubits: 10, max_shots: 100_000 } }],
    });
  });

  it('reports a gateway that is gone with its code and hint', async () => {
    const run = await runCli(['--json', 'backends'], { QRUN_ENDPOINT: 'unix:/nonexistent/gateway.sock', QRUN_TOKEN: 't', QRUN_BACKENDS: 'sim' });
    expect(run.code).not.toBe(0);
    expect(JSON.parse(run.stderr)).toMatchObject({ error: { code: 'BACKEND_UNAVAILABLE', hint: expect.any(String) as string } });
  });
});
