/**
 * Array shapes as numpy sees them: a PUB's shape is the broadcast of its observables' shape and its
 * parameter values' shape, and results nest along it. Everything here works on flat C-order data.
 */

export type Shape = readonly number[];

export function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function formatShape(shape: Shape): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** numpy's broadcasting rule: align on the right; each pair of dimensions must be equal or one of them 1. */
export function broadcastShapes(a: Shape, b: Shape): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/**
 * For element `flatIndex` (C order) of an array of shape `outShape`, the flat index of the element of
 * an input of shape `inShape` that broadcasting maps onto it.
 */
export function broadcastSourceIndex(flatIndex: number, outShape: Shape, inShape: Shape): number {
  let rest = flatIndex;
  let source = 0;
  let stride = 1;
  for (let axis = outShape.length - 1, inAxis = inShape.length - 1; axis >= 0; axis--, inAxis--) {
    const dim = outShape[axis] ?? 1;
    const coord = rest % dim;
    rest = Math.floor(rest / dim);
    if (inAxis >= 0) {
      const inDim = inShape[inAxis] ?? 1;
      if (inDim !== 1) source += coord * stride;
      stride *= inDim;
    }
  }
  return source;
}

/** Multi-index of a flat C-order index. */
export function unravelIndex(flatIndex: number, shape: Shape): number[] {
  const coords = new Array<number>(shape.length).fill(0);
  let rest = flatIndex;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    coords[axis] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return coords;
}

/** Flat C-order index of a multi-index; throws RangeError when out of bounds. */
export function ravelIndex(coords: readonly number[], shape: Shape): number {
  if (coords.length !== shape.length) throw new RangeError(`index has ${coords.length} axes, shape ${formatShape(shape)} has ${shape.length}`);
  let flat = 0;
  for (let axis = 0; axis < shape.length; axis++) {
    const dim = shape[axis] ?? 1;
    const c = coords[axis] ?? 0;
    if (!Number.isInteger(c) || c < 0 || c >= dim) throw new RangeError(`index ${c} out of range for axis ${axis} of size ${dim}`);
    flat = flat * dim + c;
  }
  return flat;
}

export type NestedOf<T> = T | NestedOf<T>[];

/** Nests flat C-order data along `shape`; shape () gives the single element itself. */
export function nest<T>(flat: readonly T[], shape: Shape): NestedOf<T> {
  const build = (axis: number, offset: number): NestedOf<T> => {
    if (axis === shape.length) return flat[offset] as T;
    const dim = shape[axis] ?? 0;
    const stride = size(shape.slice(axis + 1));
    return Array.from({ length: dim }, (_, i) => build(axis + 1, offset + i * stride));
  };
  return build(0, 0);
}

export type ShapeResult<T> = { ok: true; shape: number[]; flat: T[] } | { ok: false; reason: string };

/**
 * Reads nested lists whose leaves satisfy `isLeaf` into a shape and flat C-order data. The shape is
 * taken from the first element at each depth; ragged lists and misplaced leaves are refused with the
 * index path of the first offence.
 */
export function flattenNested<T>(value: unknown, isLeaf: (v: unknown) => v is T, leafName: string): ShapeResult<T> {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe) && !isLeaf(probe)) {
    const items: unknown[] = probe;
    shape.push(items.length);
    if (items.length === 0) break;
    probe = items[0];
  }
  const flat: T[] = [];
  const where = (path: readonly number[]): string => (path.length ? ` at [${path.join('][')}]` : '');
  const walk = (v: unknown, path: number[]): string | null => {
    if (path.length === shape.length) {
      if (isLeaf(v)) {
        flat.push(v);
        return null;
      }
      return `element${where(path)} is ${describe(v)}, expected ${leafName}`;
    }
    if (!Array.isArray(v) || isLeaf(v)) return `element${where(path)} is ${describe(v)}, expected a list (nested lists must be rectangular)`;
    const items: unknown[] = v;
    if (items.length !== shape[path.length]) {
      return `ragged: the list${where(path)} has ${items.length} elements, the first list at that depth has ${shape[path.length]}`;
    }
    for (let i = 0; i < items.length; i++) {
      const error = walk(items[i], [...path, i]);
      if (error !== null) return error;
    }
    return null;
  };
  const error = walk(value, []);
  return error === null ? { ok: true, shape, flat } : { ok: false, reason: error };
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? `${value.slice(0, 20)}...` : value)}`;
  if (typeof value === 'object') return 'an object';
  return typeof value === 'number' || typeof value === 'boolean' ? `${typeof value} ${String(value)}` : typeof value;
}
