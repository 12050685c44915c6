/**
 * worker.py on its own: the encoding it falls back to without qiskit-ibm-runtime reads back as the
 * RuntimeEncoder's does, its --check answers the hook's accessibility question, and the catalogue
 * entry's schema.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAerPython } from '../../../../src/backends/qiskit-aer/index.js';
import { aerEntrySchema, type AerEntry } from '../../../../src/backends/qiskit-aer/schema.js';
import { WORKER_SCRIPT } from '../../../../src/backends/qiskit-aer/worker-process.js';
import { fromQiskit } from '../../../../src/primitives/decode-qiskit.js';
import { pythonSkipReason, venvPython } from '../../../helpers/python.js';
import { BELL, BELL_STATE } from './helpers.js';

const skip = pythonSkipReason();

function entry(fields: Record<string, unknown>): AerEntry {
  return aerEntrySchema.parse({ type: 'qiskit-aer', capacity: { gres: 'aer', lanes: 2 }, ...fields });
}

const BOTH_ENCODINGS = `
import json, sys
sys.path.insert(0, sys.argv[1])
import worker
from qiskit_ibm_runtime import RuntimeEncoder
for kind, pubs in (("sampler", [[sys.argv[2], None, 64]]), ("estimator", [[sys.argv[3], {"ZZ": 1.0, "XI": 0.5}, None, 0.01]])):
    result = worker.run_task(kind, {"pubs": pubs, "version": 2}, {"method": "statevector"}, 5)
    print(json.dumps({"runtime": json.loads(worker.encode_result(result, RuntimeEncoder)), "plain": json.loads(worker.encode_result(result, None))}))
`;

describe.skipIf(skip !== '')('qiskit-aer worker', () => {
  it('writes results without qiskit-ibm-runtime that decode like the RuntimeEncoder ones', () => {
    const out = spawnSync(venvPython(), ['-c', BOTH_ENCODINGS, dirname(WORKER_SCRIPT), BELL, BELL_STATE], { encoding: 'utf8', timeout: 120_000 });
    expect(out.status, out.stderr).toBe(0);
    const lines = out.stdout.trim().split('\n').map((line) => JSON.parse(line) as { runtime: unknown; plain: unknown });
    expect(lines).toHaveLength(2);
    for (const { runtime, plain } of lines) {
      const a = fromQiskit(runtime);
      const b = fromQiskit(plain);
      expect(b.kind).toBe(a.kind);
      expect(b.pubs.map((p) => ({ ...p, metadata: undefined }))).toEqual(a.pubs.map((p) => ({ ...p, metadata: undefined })));
    }
  });

  it('says the pinned Python can run a noiseless and a device-noise entry', async () => {
    expect(await checkAerPython(entry({ python: venvPython() }))).toEqual({ ok: true });
    expect(await checkAerPython(entry({ python: venvPython(), noise: { fake_backend: 'FakeManilaV2' } }), 60_000)).toEqual({ ok: true });
  });

  it('says why an entry cannot run: a missing Python, an unknown fake backend', async () => {
    const missing = await checkAerPython(entry({ python: '/nonexistent/python3' }));
    expect(missing.ok).toBe(false);
    expect(missing.reason).toContain('/nonexistent/python3');
    const unknown = await checkAerPython(entry({ python: venvPython(), noise: { fake_backend: 'FakeNowhereV2' } }), 60_000);
    expect(unknown.ok).toBe(false);
    expect(unknown.reason).toContain('FakeNowhereV2');
  });

  it('says when a Python lacks Qiskit Aer', async () => {
    const bare = spawnSync('/usr/bin/python3', ['-c', 'import qiskit_aer'], { encoding: 'utf8' });
    if (bare.status === 0) return;
    const answer = await checkAerPython(entry({ python: '/usr/bin/python3' }));
    expect(answer.ok).toBe(false);
    expect(answer.reason).toMatch(/cannot import|qiskit/);
  });
});

describe('qiskit-aer catalogue entry', () => {
  it('fills the defaults: automatic method on the CPU in double precision, noiseless, all threads', () => {
    expect(entry({ python: '/opt/aer/bin/python' })).toMatchObject({ method: 'automatic', device: 'CPU', precision: 'double', max_parallel_threads: 0 });
  });

  it.each([
    [{ python: 'python3' }, 'python'],
    [{ python: '/p', method: 'tensor_network' }, 'method'],
    [{ python: '/p', device: 'TPU' }, 'device'],
    [{ python: '/p', noise: { file: 'noise.json' } }, 'noise'],
    [{ python: '/p', noise: { fake_backend: 'manila' } }, 'noise'],
    [{ python: '/p', noise: { file: '/n.json', fake_backend: 'FakeManilaV2' } }, 'noise'],
    [{ python: '/p', mpi: { launcher: ['mpirun'], blocking_qubits: 20 } }, 'mpi'],
    [{ python: '/p', secret_sauce: 1 }, ''],
  ])('refuses %j, naming %s', (fields, path) => {
    const parsed = aerEntrySchema.safeParse({ type: 'qiskit-aer', capacity: { gres: 'aer', lanes: 1 }, ...fields });
    expect(parsed.success).toBe(false);
    if (path !== '') expect(parsed.error?.issues.map((i) => String(i.path[0]))).toContain(path);
  });

  it('takes an MPI launcher and a noise file', () => {
    const parsed = entry({ python: '/p', noise: { file: '/etc/slurm/noise.json' }, mpi: { launcher: ['/usr/bin/mpirun', '-np', '2'], blocking_qubits: 20 } });
    expect(parsed.mpi?.launcher[0]).toBe('/usr/bin/mpirun');
    expect(parsed.noise).toEqual({ file: '/etc/slurm/noise.json' });
  });
});
