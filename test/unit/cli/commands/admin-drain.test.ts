import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../../../src/cli/exit-codes.js';
import { runCli } from '../../../helpers/cli.js';

async function catalogue(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'admin-drain-'));
  const path = join(dir, 'qpu.json');
  await writeFile(path, JSON.stringify({ version: 1, backends: { sim: { type: 'sim', capacity: { gres: 'sim', lanes: 4 }, metadata: { num_qubits: 4 } } } }));
  return path;
}

describe('qrun admin drain / resume', () => {
  it('drains, shows it in qrun backends --catalogue, and resumes', async () => {
    const file = await catalogue();
    const drained = await runCli(['admin', 'drain', 'sim', '--reason', 'calibration until 14:00', '--catalogue', file], {}, { uid: 0 });
    expect(drained.code, drained.stderr).toBe(0);
    expect(drained.stdout).toContain('sim: drained');
    const listed = await runCli(['backends', '--catalogue', file]);
    expect(listed.stdout).toMatch(/sim \(sim\): 4 lanes as GRES qpu:sim, DRAINED since \S+: calibration until 14:00/);
    const resumed = await runCli(['--json', 'admin', 'resume', 'sim', '--catalogue', file], {}, { uid: 0 });
    expect(JSON.parse(resumed.stdout)).toMatchObject({ backend: 'sim', drained: false, was_drained: true });
    expect((await runCli(['backends', '--catalogue', file])).stdout).not.toContain('DRAINED');
  });

  it('refuses an unknown backend, a missing reason and a non-root caller', async () => {
    const file = await catalogue();
    const unknown = await runCli(['admin', 'drain', 'nope', '--reason', 'x', '--catalogue', file], {}, { uid: 0 });
    expect(unknown.code).toBe(EXIT_CODES.capacity);
    expect(unknown.stderr).toContain('has no backend nope');
    const noReason = await runCli(['admin', 'drain', 'sim', '--catalogue', file], {}, { uid: 0 });
    expect(noReason.code).toBe(EXIT_CODES.usage);
    const notRoot = await runCli(['admin', 'drain', 'sim', '--reason', 'x', '--catalogue', file], {}, { uid: 1000 });
    expect(notRoot.code).toBe(EXIT_CODES.environment);
    expect(notRoot.stderr).toContain('sudo qrun admin drain');
  });
});
