/**
 * A saved result file as tables, for `qrun show`: the plain JSON `qrun sample|estimate` writes, or
 * Qiskit's RuntimeEncoder form (support_qiskit, or a file from Qiskit itself).
 */
import { QrunError } from '../../errors.js';
import { fromQiskit } from '../../primitives/decode-qiskit.js';
import type { CountsTable, ResultTables, ValuesTable } from './tables.js';
import { tablesFromOutcome } from './tables.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(value: unknown, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) for (const item of value) flatten(item, out);
  else out.push(value);
  return out;
}

function shapeOf(value: unknown, leafIsArray = false): number[] {
  const shape: number[] = [];
  let cursor = value;
  while (Array.isArray(cursor) && !(leafIsArray && !Array.isArray(cursor[0]))) {
    shape.push(cursor.length);
    cursor = cursor[0];
  }
  return shape;
}

function notAResult(path: string, why: string): QrunError {
  return new QrunError('PAYLOAD_INVALID', `${path} is not a primitive result: ${why}`, {
    hint: 'qrun show reads what qrun sample|estimate|result wrote (plain JSON or Qiskit-encoded).',
    details: { path },
  });
}

/** Counts from a plain register: samples are hex strings ("0x3"), nested along the PUB shape. */
function countsTable(pub: number, register: string, value: Record<string, unknown>, path: string): CountsTable {
  const numBits = value['num_bits'];
  if (typeof numBits !== 'number') throw notAResult(path, `register ${register} of PUB ${pub} has no num_bits`);
  const counts = new Map<string, number>();
  let total = 0;
  for (const sample of flatten(value['samples'])) {
    if (typeof sample !== 'string') throw notAResult(path, `register ${register} of PUB ${pub} has a sample that is not a hex string`);
    const bits = BigInt(sample).toString(2).padStart(numBits, '0');
    counts.set(bits, (counts.get(bits) ?? 0) + 1);
    total += 1;
  }
  return { pub, register, numBits, total, counts };
}

function plainTables(data: Record<string, unknown>, path: string): ResultTables {
  const results = data['results'];
  if (!Array.isArray(results)) throw notAResult(path, 'no results list');
  const first = results.find(isRecord);
  const firstData = isRecord(first?.['data']) ? first['data'] : {};
  if ('evs' in firstData) {
    const tables: ValuesTable[] = results.map((result, pub) => {
      const d = isRecord(result) && isRecord(result['data']) ? result['data'] : {};
      return { pub, shape: shapeOf(d['evs']), evs: flatten(d['evs']).map(Number), stds: flatten(d['stds']).map(Number) };
    });
    return { kind: 'estimator', tables };
  }
  const tables: CountsTable[] = [];
  results.forEach((result, pub) => {
    const d = isRecord(result) && isRecord(result['data']) ? result['data'] : {};
    for (const [name, register] of Object.entries(d)) {
      if (isRecord(register)) tables.push(countsTable(pub, name, register, path));
    }
  });
  return { kind: 'sampler', tables };
}

export function tablesFromFile(data: unknown, path: string): ResultTables {
  if (!isRecord(data)) throw notAResult(path, 'expected a JSON object');
  if (data['__type__'] !== undefined) {
    try {
      return tablesFromOutcome(fromQiskit(data));
    } catch (error) {
      throw notAResult(path, error instanceof Error ? error.message : String(error));
    }
  }
  return plainTables(data, path);
}
