/**
 * Generators that start from real inputs and break them the ways that reach a parser's edges: text
 * edits with the language's own tokens, structural edits of JSON values (a subtree replaced by a
 * hostile value, removed, duplicated, nested deeper), and values chosen to hurt (huge and non-finite
 * numbers, deep nesting, long and odd unicode strings, envelopes with bad contents).
 */
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';

/** Numbers that break naive arithmetic, indexing and allocation. */
export const NASTY_NUMBERS: readonly number[] = [
  0, -0, 1, -1, 2, 0.5, 1e-320, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, -1e308, Number.MAX_VALUE, NaN, Infinity, -Infinity,
];

/** Strings that break naive text handling. */
export const NASTY_STRINGS: readonly string[] = [
  '', ' ', '\u0000', '\n', '\r\n', '\u001b[2J', 'é', 'π', '\u202e', '\ud800', '\ufeff', '𝔮', '__proto__', 'constructor', 'toString', '$0', 'NaN', '1e999', '-0',
];

function deepArray(depth: number, leaf: unknown): unknown {
  let value = leaf;
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function deepObject(depth: number): unknown {
  let value: unknown = 0;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** A .npy header over whatever data, zlib-compressed and base64'd as RuntimeEncoder writes it. */
export function npyEnvelope(descr: string, shape: string, fortran: boolean, data: Uint8Array, major = 1): { __type__: 'ndarray'; __value__: string } {
  const header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape}), }\n`;
  const head = Buffer.alloc(major === 1 ? 10 : 12);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]).copy(head);
  if (major === 1) head.writeUInt16LE(header.length, 8);
  else head.writeUInt32LE(header.length, 8);
  const bytes = Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data)]);
  return { __type__: 'ndarray', __value__: deflateSync(bytes).toString('base64') };
}

const npyArbitrary = fc
  .record({
    descr: fc.constantFrom('<f8', '>f8', '<f4', '<c16', '<c8', '|b1', '<i8', '<u8', '|u1', '<i4', '|O', '<U3', 'f8', '<f16'),
    shape: fc.oneof(
      fc.array(fc.constantFrom(0, 1, 2, 3, 6, 1000, 2 ** 31, 2 ** 53), { maxLength: 4 }).map((dims) => dims.join(', ') + (dims.length === 1 ? ',' : '')),
      fc.integer({ min: 1, max: 5000 }).map((n) => Array.from({ length: n }, () => '1').join(',')),
      fc.constantFrom('-1,', '1.5,', '1e3,', 'x,', '', '2L, 3L'),
    ),
    fortran: fc.boolean(),
    data: fc.uint8Array({ maxLength: 96 }),
    major: fc.constantFrom(1, 1, 2, 3, 4),
  })
  .map(({ descr, shape, fortran, data, major }) => npyEnvelope(descr, shape, fortran, data, major));

/** A valid float64 .npy of `megabytes` of zeros: a few hundred kilobytes of zlib that inflate to it. */
export function npyBomb(megabytes: number): { __type__: 'ndarray'; __value__: string } {
  const bytes = megabytes * 1024 * 1024;
  return npyEnvelope('<f8', `${bytes / 8},`, false, new Uint8Array(bytes));
}

/** Values that a field should refuse, each in its own way. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>(...NASTY_NUMBERS, ...NASTY_STRINGS, null, true, false, [], {}, [[]], [{}], undefined) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 3_000 }).map((d) => deepArray(d, 0.5)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3_000 }).map(deepObject) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 5_000 }).map((n) => new Array<number>(n).fill(0.25)) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 3, arbitrary: npyArbitrary },
  {
    weight: 2,
    arbitrary: fc.record({
      __type__: fc.constantFrom('ndarray', 'BindingsArray', 'ObservablesArray', 'complex', 'QuantumCircuit', 'settings', 'Parameter', 'set', 'to_json', 'nope'),
      __value__: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ data: { '["a"]': [1] } }), fc.base64String({ maxLength: 64 })),
    }),
  },
);

type Path = readonly (string | number)[];

/** Every path to a subtree of `value`, the root first. */
function paths(value: unknown, at: Path = [], out: Path[] = [], budget = { left: 2000 }): Path[] {
  if (budget.left-- <= 0 || at.length > 100) return out;
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...at, i], out, budget));
  else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) paths(v, [...at, k], out, budget);
  return out;
}

const REMOVED = Symbol('removed');

/** `value` with the subtree at `path` replaced by make(old); REMOVED drops it from its parent. */
function replaceAt(value: unknown, path: Path, make: (old: unknown) => unknown): unknown {
  if (path.length === 0) return make(value);
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === 'number') {
    return value.flatMap((v, i) => {
      if (i !== head) return [v];
      const next = replaceAt(v, rest, make);
      return next === REMOVED ? [] : [next];
    });
  }
  if (typeof value === 'object' && value !== null && typeof head === 'string') {
    const out = { ...(value as Record<string, unknown>) };
    const next = replaceAt(out[head], rest, make);
    if (next === REMOVED) delete out[head];
    else out[head] = next;
    return out;
  }
  return value;
}

/** JSON text of a value, or the value itself when it nests too deep for JSON.stringify. */
function stringified(value: unknown): unknown {
  try {
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

type JsonEdit = readonly [number, 'replace' | 'remove' | 'duplicate' | 'wrap' | 'stringify' | 'key', unknown];

const jsonEdit: fc.Arbitrary<JsonEdit> = fc.tuple(
  fc.nat(),
  fc.constantFrom('replace', 'replace', 'replace', 'remove', 'duplicate', 'wrap', 'stringify', 'key'),
  hostileValue,
);

function applyEdit(value: unknown, [where, kind, hostile]: JsonEdit): unknown {
  const all = paths(value);
  const path = all[where % all.length] ?? [];
  return replaceAt(value, path, (old) => {
    switch (kind) {
      case 'replace':
        return hostile;
      case 'remove':
        return path.length === 0 ? old : REMOVED;
      case 'duplicate':
        return Array.isArray(old) ? [...old, ...old] : [old, old];
      case 'wrap':
        return [old];
      case 'stringify':
        return typeof old === 'string' ? old : stringified(old);
      case 'key':
        return typeof old === 'object' && old !== null && !Array.isArray(old) ? { ...old, [typeof hostile === 'string' || typeof hostile === 'number' ? String(hostile) : 'x']: hostile } : old;
    }
  });
}

/** A real JSON value with one to four structural edits. */
export function mutatedJson(seeds: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc
    .tuple(fc.nat(seeds.length - 1), fc.array(jsonEdit, { minLength: 1, maxLength: 4 }))
    .map(([pick, edits]) => edits.reduce(applyEdit, seeds[pick]));
}

type TextEdit = readonly [number, number, 'delete' | 'duplicate' | 'insert' | 'replace' | 'repeat', string];

/** A real text with one to six edits made of the given tokens (and some noise). */
export function mutatedText(seeds: readonly string[], tokens: readonly string[]): fc.Arbitrary<string> {
  const token = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...tokens) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) });
  const edit: fc.Arbitrary<TextEdit> = fc.tuple(fc.nat(), fc.nat(60), fc.constantFrom('delete', 'duplicate', 'insert', 'insert', 'replace', 'repeat'), token);
  return fc.tuple(fc.nat(seeds.length - 1), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([pick, edits]) =>
    edits.reduce((src, [at, len, kind, tok]) => {
      const i = at % (src.length + 1);
      switch (kind) {
        case 'delete':
          return src.slice(0, i) + src.slice(i + len);
        case 'duplicate':
          return src.slice(0, i) + src.slice(i, i + len).repeat(2) + src.slice(i + len);
        case 'insert':
          return `${src.slice(0, i)} ${tok} ${src.slice(i)}`;
        case 'replace':
          return `${src.slice(0, i)}${tok}${src.slice(i + Math.min(len, 8))}`;
        case 'repeat':
          // Many copies of one token: deep nesting, long expressions, huge modifier chains.
          return `${src.slice(0, i)}${tok.repeat((len % 8 === 0 ? len * 40 : len) + 1)}${src.slice(i)}`;
      }
    }, seeds[pick] ?? ''),
  );
}
