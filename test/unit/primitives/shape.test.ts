import { describe, expect, it } from 'vitest';
import { broadcastShapes, broadcastSourceIndex, flattenNested, nest, ravelIndex, unravelIndex } from '../../../src/primitives/shape.js';

describe('broadcastShapes', () => {
  it.each([
    [[5], [], [5]],
    [[], [], []],
    [[1, 6], [4, 1], [4, 6]],
    [[3, 1], [2], [3, 2]],
    [[2, 3], [3], [2, 3]],
    [[1], [7], [7]],
    [[5], [3], null],
    [[2, 3], [2], null],
  ])('%j × %j → %j', (a, b, expected) => {
    expect(broadcastShapes(a, b)).toEqual(expected);
    expect(broadcastShapes(b, a)).toEqual(expected);
  });
});

describe('broadcastSourceIndex', () => {
  it('maps output elements back to the broadcast inputs', () => {
    // (4, 1) × (1, 6) → (4, 6): element (r, c) comes from a[r] and b[c].
    const out = [4, 6];
    for (let i = 0; i < 24; i++) {
      const [r, c] = unravelIndex(i, out);
      expect(broadcastSourceIndex(i, out, [4, 1])).toBe(r);
      expect(broadcastSourceIndex(i, out, [1, 6])).toBe(c);
      expect(broadcastSourceIndex(i, out, [6])).toBe(c);
      expect(broadcastSourceIndex(i, out, [])).toBe(0);
      expect(ravelIndex([r ?? 0, c ?? 0], out)).toBe(i);
    }
  });
});

describe('nest and flattenNested', () => {
  const isNumber = (v: unknown): v is number => typeof v === 'number';
  it('are inverse along a shape', () => {
    const flat = [1, 2, 3, 4, 5, 6];
    const nested = nest(flat, [2, 3]);
    expect(nested).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(flattenNested(nested, isNumber, 'a number')).toEqual({ ok: true, shape: [2, 3], flat });
    expect(nest([7], [])).toBe(7);
    expect(flattenNested(7, isNumber, 'a number')).toEqual({ ok: true, shape: [], flat: [7] });
    expect(flattenNested([], isNumber, 'a number')).toEqual({ ok: true, shape: [0], flat: [] });
  });

  it('refuses ragged lists and stray leaves with a path', () => {
    expect(flattenNested([[1, 2], [3]], isNumber, 'a number')).toMatchObject({ ok: false, reason: expect.stringMatching(/ragged.*\[1\]/) });
    expect(flattenNested([[1, 2], 3], isNumber, 'a number')).toMatchObject({ ok: false, reason: expect.stringMatching(/\[1\]/) });
    expect(flattenNested([[1, 'x']], isNumber, 'a number')).toMatchObject({ ok: false, reason: expect.stringMatching(/\[0\]\[1\].*string/) });
  });
});
