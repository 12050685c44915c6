import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { capacityRequestLine, catalogueSchema } from '../../../src/config/catalogue.js';
import { httpsProxyFor } from '../../../src/config/proxy.js';
import { describeIssues } from '../../../src/config/load.js';

const read = (path: string): unknown => JSON.parse(readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8'));

function problems(data: unknown): Array<{ path: string; message: string }> {
  const result = catalogueSchema.safeParse(data);
  return result.success ? [] : describeIssues(result.error);
}

const sim = (capacity: Record<string, unknown> = { gres: 'sim', lanes: 4 }): Record<string, unknown> => ({
  type: 'sim',
  capacity,
  metadata: { num_qubits: 5 },
});

describe('catalogue schema', () => {
  it.each(['slurm-conf/qpu.example.json', 'slurm-conf/dev-cluster/qpu.json'])('accepts the shipped %s', (path) => {
    expect(problems(read(path))).toEqual([]);
  });

  it('keeps the names the dev cluster reads: type and capacity.{gres|license,lanes}', () => {
    const parsed = catalogueSchema.parse(read('slurm-conf/dev-cluster/qpu.json'));
    expect(parsed.backends.sim).toMatchObject({ type: 'sim', capacity: { gres: 'sim', lanes: 4 } });
    expect(parsed.backends.sim_shared).toMatchObject({ type: 'sim', capacity: { license: 'qpu_sim_shared', lanes: 2 } });
  });

  it.each<[string, unknown, string, RegExp]>([
    ['wrong version', { version: 2, backends: {} }, 'version', /expected 1/],
    ['unknown top-level key', { version: 1, backends: {}, extra: 1 }, '(root)', /extra/],
    ['unknown backend type', { version: 1, backends: { a: { ...sim(), type: 'ibm' } } }, 'backends.a.type', /sim/],
    ['both gres and license', { version: 1, backends: { a: sim({ gres: 'x', license: 'y', lanes: 1 }) } }, 'backends.a.capacity', /exactly one/],
    ['neither gres nor license', { version: 1, backends: { a: sim({ lanes: 1 }) } }, 'backends.a.capacity', /exactly one/],
    ['zero lanes', { version: 1, backends: { a: sim({ gres: 'x', lanes: 0 }) } }, 'backends.a.capacity.lanes', />=1/],
    ['fractional lanes', { version: 1, backends: { a: sim({ gres: 'x', lanes: 1.5 }) } }, 'backends.a.capacity.lanes', /int/i],
    ['bad GRES type', { version: 1, backends: { a: sim({ gres: 'a:b', lanes: 1 }) } }, 'backends.a.capacity.gres', /letters, digits/],
    ['bad alias', { version: 1, backends: { 'no spaces': sim() } }, 'backends.no spaces', /alias/],
    ['alias starting with -', { version: 1, backends: { '-x': sim() } }, 'backends.-x', /alias/],
    ['missing metadata', { version: 1, backends: { a: { type: 'sim', capacity: { gres: 'x', lanes: 1 } } } }, 'backends.a.metadata', /object/],
    [
      'coupling map outside the device',
      { version: 1, backends: { a: { ...sim(), metadata: { num_qubits: 2, coupling_map: [[0, 2]] } } } },
      'backends.a.metadata.coupling_map.0.1',
      /qubit 2 does not exist/,
    ],
    ['secret given as a value', { version: 1, backends: { a: { ...sim(), secret: 'hunter2' } } }, 'backends.a.secret', /file:/],
    ['unknown backend key', { version: 1, backends: { a: { ...sim(), endpoint: 'x' } } }, 'backends.a', /endpoint/],
    ['bad log level', { version: 1, backends: {}, defaults: { log_level: 'loud' } }, 'defaults.log_level', /info/],
    ['proxy that is not a URL', { version: 1, backends: {}, defaults: { https_proxy: 'proxy:3128' } }, 'defaults.https_proxy', /http:\/\/host:port/],
    [
      'proxy password over plain http',
      { version: 1, backends: { a: { ...sim(), https_proxy: 'http://u:p@proxy.site.example:3128' } } },
      'backends.a.https_proxy',
      /plain http/,
    ],
    [
      'one GRES type with two lane counts',
      { version: 1, backends: { a: sim({ gres: 'x', lanes: 2 }), b: sim({ gres: 'x', lanes: 3 }) } },
      'backends.b.capacity.lanes',
      /same Slurm resource/,
    ],
  ])('rejects %s at its JSON path', (_name, data, path, message) => {
    const found = problems(data);
    const match = found.find((p) => p.path === path);
    expect(match, JSON.stringify(found)).toBeDefined();
    expect(match?.message).toMatch(message);
  });

  it('takes a backend\'s proxy from the backend, else the site default; null means direct', () => {
    const catalogue = catalogueSchema.parse({
      version: 1,
      defaults: { https_proxy: 'http://proxy.site.example:3128' },
      backends: { a: sim(), b: { ...sim(), https_proxy: 'https://other.site.example:443' }, c: { ...sim(), https_proxy: null } },
    });
    expect(httpsProxyFor(catalogue, 'a')).toBe('http://proxy.site.example:3128');
    expect(httpsProxyFor(catalogue, 'b')).toBe('https://other.site.example:443');
    expect(httpsProxyFor(catalogue, 'c')).toBeUndefined();
  });

  it('accepts a secret reference on a sim backend (which then requires it, as a vendor would)', () => {
    expect(problems({ version: 1, backends: { a: { ...sim(), secret: 'file:/etc/slurm/qpu-secrets/sim' } } })).toEqual([]);
  });

  it('lists every problem, also inside an entry whose alias is bad', () => {
    const found = problems({
      version: 1,
      backends: { 'bad alias': { type: 'x', capacity: { lanes: 0 }, metadata: {} }, ok: sim({ lanes: 1 }) },
    });
    expect(found.map((p) => p.path)).toEqual(
      expect.arrayContaining([
        'backends.bad alias',
        'backends.bad alias.type',
        'backends.bad alias.capacity.lanes',
        'backends.bad alias.metadata.num_qubits',
        'backends.ok.capacity',
      ]),
    );
  });

  it('says what a job script must add for each kind of capacity', () => {
    expect(capacityRequestLine({ gres: 'sim', lanes: 4 })).toBe('#SBATCH --gres=qpu:sim:1');
    expect(capacityRequestLine({ license: 'qpu_x', lanes: 2 })).toBe('#SBATCH -L qpu_x:1');
  });
});
