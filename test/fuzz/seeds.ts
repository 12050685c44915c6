/** Real inputs the fuzz targets start from: the examples, the parser's corpus, Qiskit's own payloads. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CORPUS } from '../unit/qasm/arbitrary.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

function jsonFiles(dir: string): { name: string; value: unknown }[] {
  return readdirSync(`${root}${dir}`)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f, value: JSON.parse(readFileSync(`${root}${dir}/${f}`, 'utf8')) as unknown }));
}

/** examples/*.json and the payloads qiskit-ibm-runtime's RuntimeEncoder wrote (test/fuzz/seeds/payload/). */
export function payloadSeeds(): { name: string; value: unknown }[] {
  return [...jsonFiles('examples'), ...jsonFiles('test/fuzz/seeds/payload')];
}

/** Results as RuntimeEncoder writes them (test/fuzz/seeds/qiskit-result/). */
export function qiskitResultSeeds(): unknown[] {
  return jsonFiles('test/fuzz/seeds/qiskit-result').map((f) => f.value);
}

/** Catalogues a site or the dev cluster uses. */
export function catalogueSeeds(): unknown[] {
  return [
    JSON.parse(readFileSync(`${root}slurm-conf/qpu.example.json`, 'utf8')) as unknown,
    JSON.parse(readFileSync(`${root}slurm-conf/dev-cluster/qpu.json`, 'utf8')) as unknown,
  ];
}

function circuitsIn(value: unknown, out: string[]): string[] {
  if (typeof value === 'string' && /OPENQASM|qubit|qreg/.test(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => circuitsIn(v, out));
  else if (typeof value === 'object' && value !== null) Object.values(value).forEach((v) => circuitsIn(v, out));
  return out;
}

/** The parser's corpus and every circuit the payload seeds carry (Qiskit's qasm3.dumps among them). */
export function qasmSeeds(): string[] {
  return [...new Set([...CORPUS, ...payloadSeeds().flatMap((s) => circuitsIn(s.value, []))])];
}
