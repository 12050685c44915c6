/**
 * Results a person can read: what `qrun sample|estimate|result|show` print on a terminal. A sampler
 * result becomes, per PUB and register, a table of bitstrings sorted by count with a bar each (the
 * top 16, then "… N more"); an estimator result a table of expectation values with their standard
 * errors. Scripts get JSON instead (piped, --json, or an output file): these tables are never parsed.
 */
import { BitArray } from '../../primitives/bit-array.js';
import type { PrimitiveOutcome } from '../../primitives/result-model.js';
import { unravelIndex } from '../../primitives/shape.js';

export interface CountsTable {
  readonly pub: number;
  readonly register: string;
  readonly numBits: number;
  /** Shots over every element of the PUB. */
  readonly total: number;
  readonly counts: ReadonlyMap<string, number>;
}

export interface ValuesTable {
  readonly pub: number;
  readonly shape: readonly number[];
  readonly evs: readonly number[];
  readonly stds: readonly number[];
}

export type ResultTables = { readonly kind: 'sampler'; readonly tables: readonly CountsTable[] } | { readonly kind: 'estimator'; readonly tables: readonly ValuesTable[] };

/** Rows shown per counts table before "… N more". */
const TOP_ROWS = 16;
const BAR_WIDTH = 30;

export function tablesFromOutcome(outcome: PrimitiveOutcome): ResultTables {
  if (outcome.kind === 'estimator') {
    return { kind: 'estimator', tables: outcome.pubs.map((pub, i) => ({ pub: i, shape: pub.shape, evs: pub.evs, stds: pub.stds })) };
  }
  const tables: CountsTable[] = [];
  outcome.pubs.forEach((pub, i) => {
    for (const register of pub.registers) {
      const counts = new BitArray(register).getCounts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      tables.push({ pub: i, register: register.name, numBits: register.numBits, total, counts: new Map(Object.entries(counts)) });
    }
  });
  return { kind: 'sampler', tables };
}

function sortedCounts(counts: ReadonlyMap<string, number>): [string, number][] {
  // Most frequent first; ties in bitstring order, so the same result always prints the same way.
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

function bar(fraction: number): string {
  const eighths = Math.round(fraction * BAR_WIDTH * 8);
  const full = Math.floor(eighths / 8);
  const partial = eighths % 8;
  return '█'.repeat(full) + (partial === 0 ? '' : (['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'][partial] ?? ''));
}

export function renderCounts(table: CountsTable, top: number = TOP_ROWS): string {
  const rows = sortedCounts(table.counts);
  const shown = rows.slice(0, top);
  const width = Math.max(table.numBits, 'bitstring'.length);
  const countWidth = Math.max(String(shown[0]?.[1] ?? 0).length, 'count'.length);
  const lines = [`PUB ${table.pub}, register ${table.register} (${table.numBits} bit${table.numBits === 1 ? '' : 's'}, ${table.total} shots, ${rows.length} outcome${rows.length === 1 ? '' : 's'})`];
  lines.push(`  ${'bitstring'.padEnd(width)}  ${'count'.padStart(countWidth)}  ${'share'.padStart(6)}`);
  for (const [bits, count] of shown) {
    const fraction = table.total === 0 ? 0 : count / table.total;
    lines.push(`  ${bits.padEnd(width)}  ${String(count).padStart(countWidth)}  ${(fraction * 100).toFixed(1).padStart(5)}%  ${bar(fraction)}`);
  }
  if (rows.length > shown.length) {
    const rest = rows.slice(top).reduce((a, [, c]) => a + c, 0);
    lines.push(`  … ${rows.length - shown.length} more (${rest} shots)`);
  }
  return lines.join('\n');
}

function formatValue(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return value.toFixed(6).replace(/^(?!-)/, ' ');
}

export function renderValues(table: ValuesTable): string {
  const lines = [`PUB ${table.pub}${table.shape.length === 0 ? '' : `, shape (${table.shape.join(', ')})`}`];
  const indexWidth = Math.max('index'.length, ...table.evs.map((_, i) => indexLabel(i, table.shape).length));
  lines.push(`  ${'index'.padEnd(indexWidth)}  ${'value'.padStart(10)}  ${'std error'.padStart(10)}`);
  table.evs.forEach((ev, i) => {
    lines.push(`  ${indexLabel(i, table.shape).padEnd(indexWidth)}  ${formatValue(ev).padStart(10)}  ${(table.stds[i] ?? NaN).toFixed(6).padStart(10)}`);
  });
  return lines.join('\n');
}

function indexLabel(flat: number, shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  return `(${unravelIndex(flat, shape).join(', ')})`;
}

/** Every table of a result, separated by blank lines, ending with a newline. */
export function renderTables(tables: ResultTables): string {
  const parts = tables.kind === 'sampler' ? tables.tables.map((t) => renderCounts(t)) : tables.tables.map(renderValues);
  return `${parts.join('\n\n')}\n`;
}
