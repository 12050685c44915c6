import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeNdarrayValue, encodeNdarray, readNpy, toNested, writeNpy, type NdArray } from '../../../src/primitives/numpy.js';
import { decodeEnvelopes } from '../../../src/primitives/envelopes.js';

/** Builds .npy bytes by hand, the way numpy 1.x/2.x lays them out (64-byte aligned v1.0 header). */
function handMadeNpy(header: string, data: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  let h = header;
  while ((prefix + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const out = new Uint8Array(prefix + h.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, h.length, true);
  else view.setUint32(8, h.length, true);
  out.set(Buffer.from(h, 'latin1'), prefix);
  out.set(data, prefix + h.length);
  return out;
}

describe('writeNpy', () => {
  it('writes exactly the bytes numpy.save writes for a float64 vector', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat64(0, 0.5, true);
    new DataView(data.buffer).setFloat64(8, -2, true);
    const expected = handMadeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", data);
    const written = writeNpy({ dtype: 'float64', shape: [2], data: [0.5, -2] });
    expect(Buffer.from(written).toString('hex')).toBe(Buffer.from(expected).toString('hex'));
    expect(written.length % 64).toBe(16); // header is 64-aligned, data follows
    expect(Buffer.from(written.subarray(0, 128)).toString('latin1')).toMatch(/\n$/);
  });

  it('writes 0-d arrays and 2-d uint8 arrays with numpy shape reprs', () => {
    const scalar = Buffer.from(writeNpy({ dtype: 'float64', shape: [], data: [1.5] })).toString('latin1');
    expect(scalar).toContain("'shape': (), }");
    const matrix = Buffer.from(writeNpy({ dtype: 'uint8', shape: [3, 2], data: [1, 2, 3, 4, 5, 6] }));
    expect(matrix.toString('latin1')).toContain("{'descr': '|u1', 'fortran_order': False, 'shape': (3, 2), }");
    expect([...matrix.subarray(matrix.length - 6)]).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('readNpy', () => {
  it('reads hand-made arrays of each supported dtype', () => {
    const ints = new Uint8Array(16);
    new DataView(ints.buffer).setBigInt64(0, 7n, true);
    new DataView(ints.buffer).setBigInt64(8, -3n, true);
    expect(readNpy(handMadeNpy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", ints))).toEqual({
      dtype: 'int64',
      shape: [2],
      data: [7, -3],
    });
    const bools = readNpy(handMadeNpy("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", new Uint8Array([1, 0, 1])));
    expect(toNested(bools)).toEqual([true, false, true]);
    const big = new Uint8Array(4);
    new DataView(big.buffer).setInt32(0, 258, false);
    expect(readNpy(handMadeNpy("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", big)).data).toEqual([258]);
    const v2 = readNpy(handMadeNpy("{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }", new Uint8Array([9, 8]), 2));
    expect(v2.data).toEqual([9, 8]);
  });

  it('reorders Fortran-order data into C order', () => {
    // [[1, 2, 3], [4, 5, 6]] in Fortran order is 1 4 2 5 3 6.
    const data = new Uint8Array([1, 4, 2, 5, 3, 6]);
    const array = readNpy(handMadeNpy("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", data));
    expect(toNested(array)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('refuses garbage, truncated data and unsupported dtypes', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow(/magic/);
    const truncated = handMadeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(8));
    expect(() => readNpy(truncated)).toThrow(/truncated/);
    expect(() => readNpy(handMadeNpy("{'descr': '<U3', 'fortran_order': False, 'shape': (1,), }", new Uint8Array(12)))).toThrow(
      /unsupported dtype/,
    );
  });
});

describe('ndarray envelopes', () => {
  it('round-trips every writable dtype through base64(zlib(npy))', () => {
    const arrays: NdArray[] = [
      { dtype: 'float64', shape: [2, 2], data: [0.1, Math.PI, -1e-300, 1e300] },
      { dtype: 'int64', shape: [3], data: [0, -(2 ** 40), 2 ** 52] },
      { dtype: 'uint8', shape: [2, 1, 2], data: [0, 255, 17, 3] },
      { dtype: 'bool', shape: [2], data: [1, 0] },
      { dtype: 'float64', shape: [], data: [0.75] },
      { dtype: 'int32', shape: [0], data: [] },
    ];
    for (const array of arrays) {
      const encoded = encodeNdarray(array);
      expect(encoded.__type__).toBe('ndarray');
      expect(decodeNdarrayValue(encoded.__value__)).toEqual({ ...array, data: Array.from(array.data) });
    }
  });

  it('decodes a value numpy would produce (zlib of hand-made npy) and nested envelopes in payloads', () => {
    const data = new Uint8Array(16);
    new DataView(data.buffer).setFloat64(0, 0.1, true);
    new DataView(data.buffer).setFloat64(8, 1.57, true);
    const value = deflateSync(handMadeNpy("{'descr': '<f8', 'fortran_order': False, 'shape': (1, 2), }", data)).toString('base64');
    expect(decodeEnvelopes({ pubs: [['qasm', { __type__: 'ndarray', __value__: value }]] })).toEqual({ pubs: [['qasm', [[0.1, 1.57]]]] });
    expect(decodeEnvelopes({ __type__: 'ndarray', __value__: [1, 2] })).toEqual([1, 2]);
  });

  it('names the problem when __value__ is not zlib data', () => {
    expect(() => decodeNdarrayValue('bm90IHpsaWI=')).toThrow(/not base64 of zlib/);
  });
});

describe('complex ndarrays', () => {
  it('reads complex128 and complex64 (SparsePauliOp coefficients) into complex envelopes', () => {
    for (const dtype of ['complex128', 'complex64'] as const) {
      const array: NdArray = { dtype, shape: [2], data: [0.5, 0, -1.25, 0.75] };
      const back = readNpy(writeNpy(array));
      expect(back.dtype).toBe(dtype);
      expect(toNested(back)).toEqual([
        { __type__: 'complex', __value__: [0.5, 0] },
        { __type__: 'complex', __value__: [-1.25, 0.75] },
      ]);
    }
  });
});
