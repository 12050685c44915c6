/**
 * Parameter values of a PUB → one row of values per element of the parameter shape, in the order of
 * the circuit's `input float[64]` declarations. Accepted forms (PRIMITIVES.md): null/omitted, a scalar
 * for a one-parameter circuit, a list or nested list whose last axis holds one value per parameter,
 * and a by-name dict whose keys are names (or JSON lists of names, as a BindingsArray writes them).
 *
 * Positional values follow Qiskit's order: column k binds the k-th parameter of `circuit.parameters`
 * for the circuit the text stands for. Qiskit sorts plain parameters by name (so does `qasm3.loads`
 * of hand-written text) and the elements of a ParameterVector by the vector's name, then by index.
 * `qasm3.dumps` declares an element `θ[10]` as `_θ_10_`, so such a name is read back as element 10
 * of `θ`: the declarations `qasm3.dumps` writes bind in the order `as_array(circuit.parameters)`
 * gives (docs/adr/0004-parameter-order.md).
 */
import { QrunError } from '../errors.js';
import { broadcastShapes, broadcastSourceIndex, describe, flattenNested, formatShape, size, type Shape } from './shape.js';

export interface BoundParameters {
  /** The parameter shape: the values' shape without the last (per-parameter) axis. */
  readonly shape: Shape;
  /** size(shape) rows, each with one value per circuit parameter, in circuit order. */
  readonly rows: readonly (readonly number[])[];
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function fail(message: string, hint?: string): QrunError {
  return new QrunError('PAYLOAD_INVALID', message, hint === undefined ? {} : { hint });
}

/** Code-point order, as Qiskit (Rust strings) sorts parameter names; UTF-16 order differs past U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const x = left[i]?.codePointAt(0) ?? 0;
    const y = right[i]?.codePointAt(0) ?? 0;
    if (x !== y) return x - y;
  }
  return left.length - right.length;
}

/** How `qasm3.dumps` declares ParameterVector element `NAME[i]`: `_NAME_i_`. */
const EXPORTED_ELEMENT = /^_(.+)_(\d+)_$/u;

/** Qiskit's sort key of a declared name: (vector or parameter name, element index or -1). */
function sortKey(name: string): { readonly base: string; readonly index: number } {
  const element = EXPORTED_ELEMENT.exec(name);
  if (element?.[1] !== undefined && element[2] !== undefined) return { base: element[1], index: Number(element[2]) };
  return { base: name, index: -1 };
}

/** The circuit's parameter names in the order positional values bind them (Qiskit's `circuit.parameters`). */
export function bindingOrder(parameters: readonly string[]): string[] {
  const keyed = parameters.map((name) => ({ name, key: sortKey(name) }));
  keyed.sort((a, b) => compareCodePoints(a.key.base, b.key.base) || a.key.index - b.key.index || compareCodePoints(a.name, b.name));
  return keyed.map((entry) => entry.name);
}

function listParams(names: readonly string[]): string {
  return names.length === 0 ? 'none' : names.join(', ');
}

/** Parses a dict key: a plain name, or a JSON list of names (how BindingsArray keys are written). */
function keyNames(key: string): string[] {
  if (key.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(key);
      if (Array.isArray(parsed) && parsed.every((n) => typeof n === 'string')) return parsed;
    } catch {
      // Not JSON: fall through and treat the key as a plain name.
    }
  }
  return [key];
}

/** The identifier characters Qiskit's OpenQASM 3 exporter keeps: ASCII and Greek letters, _, digits. */
const VALID_IDENTIFIER = /^[a-zA-Z\u0370-\u03ff_][a-zA-Z\u0370-\u03ff_0-9]*$/u;
const BAD_IDENTIFIER_CHARACTER = /[^a-zA-Z\u0370-\u03ff_0-9]/gu;

/**
 * The name `qiskit.qasm3.dumps` declares for a Qiskit parameter: a name that is not an identifier
 * (a ParameterVector element `θ[0]`) becomes `_` + the name with each bad character replaced by `_`
 * (`_θ_0_`). A BindingsArray keeps Qiskit's names, so keys are matched both ways.
 */
function qasm3Identifier(name: string): string {
  return VALID_IDENTIFIER.test(name) ? name : `_${name.replace(BAD_IDENTIFIER_CHARACTER, '_')}`;
}

interface Column {
  readonly shape: Shape;
  readonly values: readonly number[];
  /** How many parameters this column block binds (its last axis), 1 for a single name. */
  readonly width: number;
}

function fromDict(raw: Record<string, unknown>, parameters: readonly string[]): BoundParameters {
  const position = new Map(parameters.map((name, i) => [name, i]));
  const seen = new Map<string, string>();
  const blocks: Column[] = [];
  const columnOf = new Array<{ block: number; offset: number }>(parameters.length);
  const resolve = (name: string): string => {
    if (position.has(name)) return name;
    const exported = qasm3Identifier(name);
    if (position.has(exported)) return exported;
    throw fail(`no parameter named ${JSON.stringify(name)} in the circuit (its parameters: ${listParams(parameters)})`);
  };
  for (const [key, value] of Object.entries(raw)) {
    const names = keyNames(key).map(resolve);
    for (const name of names) {
      const earlier = seen.get(name);
      if (earlier !== undefined) throw fail(`parameter ${JSON.stringify(name)} is given twice (keys ${JSON.stringify(earlier)} and ${JSON.stringify(key)})`);
      seen.set(name, key);
    }
    const parsed = flattenNested(value, isFiniteNumber, 'a finite number');
    if (!parsed.ok) throw fail(`value of ${JSON.stringify(key)}: ${parsed.reason}`);
    let shape: number[] = parsed.shape;
    if (names.length > 1 || key.startsWith('[')) {
      const last = shape[shape.length - 1];
      if (last !== names.length) {
        throw fail(`value of ${JSON.stringify(key)} has shape ${formatShape(shape)}; its last axis must have ${names.length} values, one per name`);
      }
      shape = shape.slice(0, -1);
    }
    names.forEach((name, offset) => {
      columnOf[position.get(name) ?? 0] = { block: blocks.length, offset };
    });
    blocks.push({ shape, values: parsed.flat, width: names.length });
  }
  const missing = parameters.filter((name) => !seen.has(name));
  if (missing.length > 0) throw fail(`no value for parameter${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  let shape: number[] = [];
  for (const [i, block] of blocks.entries()) {
    const next = broadcastShapes(shape, block.shape);
    if (next === null) {
      const key = Object.keys(raw)[i] ?? '';
      throw new QrunError('BROADCAST_MISMATCH', `value of ${JSON.stringify(key)} has shape ${formatShape(block.shape)}, which does not broadcast with ${formatShape(shape)}`);
    }
    shape = next;
  }
  const rows: number[][] = [];
  for (let i = 0; i < size(shape); i++) {
    rows.push(
      parameters.map((_, p) => {
        const where = columnOf[p];
        const block = where === undefined ? undefined : blocks[where.block];
        if (where === undefined || block === undefined) return Number.NaN;
        return block.values[broadcastSourceIndex(i, shape, block.shape) * block.width + where.offset] ?? Number.NaN;
      }),
    );
  }
  return { shape, rows };
}

/** Throws PAYLOAD_INVALID / BROADCAST_MISMATCH without a location; the caller prefixes the PUB and field. */
export function bindParameters(raw: unknown, parameters: readonly string[]): BoundParameters {
  const n = parameters.length;
  if (raw === null || raw === undefined) {
    if (n === 0) return { shape: [], rows: [[]] };
    throw fail(`the circuit has parameter${n > 1 ? 's' : ''} ${listParams(bindingOrder(parameters))} but no values were given`, `Give values as [v1, v2, ...] in the order of Qiskit's circuit.parameters, or as {"name": value}.`);
  }
  if (isFiniteNumber(raw)) {
    if (n === 1) return { shape: [], rows: [[raw]] };
    throw fail(`a single number binds a one-parameter circuit; this circuit has ${n} (${listParams(parameters)})`);
  }
  if (typeof raw === 'object' && !Array.isArray(raw)) return fromDict(raw as Record<string, unknown>, parameters);
  if (!Array.isArray(raw)) throw fail(`expected a list, a dict or null, got ${describe(raw)}`);
  const parsed = flattenNested(raw, isFiniteNumber, 'a finite number');
  if (!parsed.ok) throw fail(parsed.reason);
  const last = parsed.shape[parsed.shape.length - 1] ?? 0;
  const order = bindingOrder(parameters);
  if (last !== n) {
    throw fail(
      `values have shape ${formatShape(parsed.shape)}: the last axis must hold one value per circuit parameter, and the circuit has ${n} (${listParams(order)})`,
      n === 1 ? 'To sweep one parameter, nest each value: [[0.1], [0.2], [0.3]].' : `Column k binds the k-th parameter in Qiskit's circuit.parameters order (${listParams(order)}); or give values by name: {"name": value}.`,
    );
  }
  // Column of each declared parameter: its place in name order.
  const rank = new Map(order.map((name, k) => [name, k]));
  const columnOf = parameters.map((name) => rank.get(name) ?? 0);
  const shape = parsed.shape.slice(0, -1);
  const rows: number[][] = [];
  for (let i = 0; i < size(shape); i++) {
    const row = parsed.flat.slice(i * n, (i + 1) * n);
    rows.push(columnOf.map((column) => row[column] ?? Number.NaN));
  }
  return { shape, rows };
}
