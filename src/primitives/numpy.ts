/**
 * A small reader and writer for NumPy's .npy format, and the `{"__type__": "ndarray", "__value__": ...}`
 * envelope qiskit-ibm-runtime's RuntimeEncoder wraps it in (base64 of zlib-compressed .npy bytes).
 * Only what primitive payloads and results carry: booleans, integers, floats and complex numbers
 * (SparsePauliOp coefficients are complex128), little- or big-endian, C or Fortran order on read; we
 * always write little-endian C order.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { QrunError } from '../errors.js';

export type Dtype = 'bool' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64' | 'float32' | 'float64' | 'complex64' | 'complex128';

/**
 * A dense array in C order. Integers beyond 2^53 are refused on read rather than silently rounded.
 * A complex array's data holds two numbers per element, real then imaginary part.
 */
export interface NdArray {
  readonly dtype: Dtype;
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** numpy 2's own limit (NPY_MAXDIMS); a deeper shape is no array numpy could have written. */
const MAX_DIMS = 64;

/**
 * Largest .npy an envelope may inflate to (128 MiB: 16 Mi float64 values). A few kilobytes of zlib
 * can claim gigabytes; the limit stops that before the memory is spent.
 */
const MAX_INFLATED_BYTES = 128 * 1024 * 1024;

/** Most lists and values the nested-list form of one array may hold (the JSON a payload would need). */
const MAX_NESTED_NODES = 4 * 1024 * 1024;

interface DtypeInfo {
  readonly dtype: Dtype;
  /** Bytes per component. */
  readonly size: number;
  /** Numbers per element: 2 for complex (real, imaginary), else 1. */
  readonly components?: 2;
  read(view: DataView, offset: number, littleEndian: boolean): number;
  write(view: DataView, offset: number, value: number): void;
}

function int64ToNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new QrunError('PAYLOAD_INVALID', `ndarray holds the 64-bit integer ${value}, which a JSON number cannot represent exactly`);
  }
  return Number(value);
}

const DTYPES: Record<string, DtypeInfo> = {
  b1: { dtype: 'bool', size: 1, read: (v, o) => (v.getUint8(o) === 0 ? 0 : 1), write: (v, o, x) => v.setUint8(o, x ? 1 : 0) },
  i1: { dtype: 'int8', size: 1, read: (v, o) => v.getInt8(o), write: (v, o, x) => v.setInt8(o, x) },
  u1: { dtype: 'uint8', size: 1, read: (v, o) => v.getUint8(o), write: (v, o, x) => v.setUint8(o, x) },
  i2: { dtype: 'int16', size: 2, read: (v, o, le) => v.getInt16(o, le), write: (v, o, x) => v.setInt16(o, x, true) },
  u2: { dtype: 'uint16', size: 2, read: (v, o, le) => v.getUint16(o, le), write: (v, o, x) => v.setUint16(o, x, true) },
  i4: { dtype: 'int32', size: 4, read: (v, o, le) => v.getInt32(o, le), write: (v, o, x) => v.setInt32(o, x, true) },
  u4: { dtype: 'uint32', size: 4, read: (v, o, le) => v.getUint32(o, le), write: (v, o, x) => v.setUint32(o, x, true) },
  i8: {
    dtype: 'int64',
    size: 8,
    read: (v, o, le) => int64ToNumber(v.getBigInt64(o, le)),
    write: (v, o, x) => v.setBigInt64(o, BigInt(x), true),
  },
  u8: {
    dtype: 'uint64',
    size: 8,
    read: (v, o, le) => int64ToNumber(v.getBigUint64(o, le)),
    write: (v, o, x) => v.setBigUint64(o, BigInt(x), true),
  },
  f4: { dtype: 'float32', size: 4, read: (v, o, le) => v.getFloat32(o, le), write: (v, o, x) => v.setFloat32(o, x, true) },
  f8: { dtype: 'float64', size: 8, read: (v, o, le) => v.getFloat64(o, le), write: (v, o, x) => v.setFloat64(o, x, true) },
  c8: { dtype: 'complex64', size: 4, components: 2, read: (v, o, le) => v.getFloat32(o, le), write: (v, o, x) => v.setFloat32(o, x, true) },
  c16: { dtype: 'complex128', size: 8, components: 2, read: (v, o, le) => v.getFloat64(o, le), write: (v, o, x) => v.setFloat64(o, x, true) },
};

const DESCR_BY_DTYPE: Record<Dtype, string> = {
  bool: '|b1',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  float32: '<f4',
  float64: '<f8',
  complex64: '<c8',
  complex128: '<c16',
};

function npyError(message: string): QrunError {
  return new QrunError('PAYLOAD_INVALID', `ndarray: ${message}`, {
    hint: 'Encode arrays with numpy.save (what qiskit-ibm-runtime does), or send plain JSON lists.',
  });
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** numpy's repr of a shape tuple: (), (3,), (2, 3). */
function shapeRepr(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/** Serialises to .npy version 1.0, header padded so the data starts on a 64-byte boundary as numpy does. */
export function writeNpy(array: NdArray): Uint8Array {
  const descr = DESCR_BY_DTYPE[array.dtype];
  const info = DTYPES[descr.slice(1)];
  if (info === undefined) throw new Error(`no writer for ${array.dtype}`);
  const count = product(array.shape) * (info.components ?? 1);
  if (array.data.length !== count) {
    throw new Error(`ndarray data has ${array.data.length} numbers, ${array.dtype} of shape ${shapeRepr(array.shape)} needs ${count}`);
  }
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeRepr(array.shape)}, }`;
  const unpadded = MAGIC.length + 2 + 2 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const headerStart = MAGIC.length + 4;
  const out = new Uint8Array(headerStart + header.length + count * info.size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[headerStart + i] = header.charCodeAt(i);
  const dataStart = headerStart + header.length;
  for (let i = 0; i < count; i++) info.write(view, dataStart + i * info.size, array.data[i] ?? 0);
  return out;
}

interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

function parseHeader(text: string): NpyHeader {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw npyError(`malformed .npy header ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0) throw npyError(`bad dimension ${s} in shape (${shapeText})`);
      return n;
    });
  if (shape.length > MAX_DIMS) throw npyError(`shape has ${shape.length} dimensions; numpy allows at most ${MAX_DIMS}`);
  return { descr, fortranOrder: fortran === 'True', shape };
}

/** C-order flat index → Fortran-order flat index of the same element. */
function fortranIndex(cIndex: number, shape: readonly number[]): number {
  let rest = cIndex;
  let fIndex = 0;
  // Decompose the C index into coordinates (last axis fastest) and recombine first axis fastest.
  const coords: number[] = [];
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const dim = shape[axis] ?? 1;
    coords[axis] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  let stride = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    fIndex += (coords[axis] ?? 0) * stride;
    stride *= shape[axis] ?? 1;
  }
  return fIndex;
}

export function readNpy(bytes: Uint8Array): NdArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw npyError('not .npy data (magic \\x93NUMPY missing)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6];
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw npyError('truncated header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw npyError(`unsupported .npy version ${major}`);
  }
  if (headerStart + headerLength > bytes.length) throw npyError('truncated header');
  const header = parseHeader(new TextDecoder().decode(bytes.subarray(headerStart, headerStart + headerLength)));
  const order = header.descr[0];
  const info = DTYPES[header.descr.slice(1)];
  if (info === undefined || (order !== '<' && order !== '>' && order !== '|' && order !== '=')) {
    throw npyError(`unsupported dtype '${header.descr}' (booleans, integers, floats and complex numbers only)`);
  }
  const littleEndian = order !== '>';
  const count = product(header.shape);
  const components = info.components ?? 1;
  const dataStart = headerStart + headerLength;
  if (dataStart + count * components * info.size > bytes.length) {
    throw npyError(`data is truncated: shape ${shapeRepr(header.shape)} needs ${count * components * info.size} bytes`);
  }
  const data = new Array<number>(count * components);
  for (let i = 0; i < count; i++) {
    const source = header.fortranOrder ? fortranIndex(i, header.shape) : i;
    for (let c = 0; c < components; c++) data[i * components + c] = info.read(view, dataStart + (source * components + c) * info.size, littleEndian);
  }
  return { dtype: info.dtype, shape: header.shape, data };
}

export interface EncodedNdarray {
  readonly __type__: 'ndarray';
  readonly __value__: string;
}

/** RuntimeEncoder's form: base64(zlib(np.save(array))). */
export function encodeNdarray(array: NdArray): EncodedNdarray {
  return { __type__: 'ndarray', __value__: deflateSync(writeNpy(array)).toString('base64') };
}

export function decodeNdarrayValue(value: string): NdArray {
  let bytes: Buffer;
  try {
    bytes = inflateSync(Buffer.from(value, 'base64'), { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw npyError(`__value__ inflates to more than ${MAX_INFLATED_BYTES / (1024 * 1024)} MiB`);
    }
    throw npyError(`__value__ is not base64 of zlib-compressed data (${error instanceof Error ? error.message : String(error)})`);
  }
  return readNpy(bytes);
}

/** A complex element as RuntimeEncoder writes a Python complex: the form coefficients are read in. */
interface ComplexValue {
  readonly __type__: 'complex';
  readonly __value__: readonly [number, number];
}

export type Nested = number | boolean | ComplexValue | readonly Nested[];

/**
 * Turns a dense array into nested JSON lists (booleans stay booleans, complex numbers become
 * `{"__type__": "complex", "__value__": [re, im]}`); a 0-d array becomes a scalar.
 */
export function toNested(array: NdArray): Nested {
  // Lists the nested form needs, axis by axis: a shape such as (2^40, 0) holds no value but
  // would still be a trillion empty lists.
  let nodes = 1;
  let width = 1;
  for (const dim of array.shape) {
    width *= dim;
    nodes += width;
    if (width === 0) break;
    if (nodes > MAX_NESTED_NODES) throw npyError(`shape ${shapeRepr(array.shape)} is too large to read (more than ${MAX_NESTED_NODES} lists and values)`);
  }
  const isBool = array.dtype === 'bool';
  const isComplex = array.dtype === 'complex64' || array.dtype === 'complex128';
  const strides = array.shape.map((_, axis) => product(array.shape.slice(axis + 1)));
  const build = (axis: number, offset: number): Nested => {
    if (axis === array.shape.length) {
      if (isComplex) return { __type__: 'complex', __value__: [array.data[2 * offset] ?? 0, array.data[2 * offset + 1] ?? 0] };
      const x = array.data[offset] ?? 0;
      return isBool ? x !== 0 : x;
    }
    const dim = array.shape[axis] ?? 0;
    const stride = strides[axis] ?? 0;
    const out = new Array<Nested>(dim);
    for (let i = 0; i < dim; i++) out[i] = build(axis + 1, offset + i * stride);
    return out;
  };
  return build(0, 0);
}
