import { describe, expect, it } from 'vitest';
import { tablesFromFile } from '../../../../src/cli/render/read-result.js';
import { renderCounts, renderTables, renderValues } from '../../../../src/cli/render/tables.js';

describe('result tables', () => {
  it('sorts counts, draws a bar each, and folds all past the top 16 into one line', () => {
    const counts = new Map<string, number>(Array.from({ length: 20 }, (_, i) => [i.toString(2).padStart(5, '0'), i === 3 ? 100 : 10]));
    const text = renderCounts({ pub: 0, register: 'c', numBits: 5, total: 290, counts });
    const lines = text.split('\n');
    expect(lines[0]).toBe('PUB 0, register c (5 bits, 290 shots, 20 outcomes)');
    expect(lines[1]).toBe('  bitstring  count   share');
    expect(lines[2]).toBe('  00011        100   34.5%  ██████████▍');
    expect(lines[3]).toBe('  00000         10    3.4%  █'); // ties in bitstring order
    expect(lines).toHaveLength(2 + 16 + 1);
    expect(lines.at(-1)).toBe('  … 4 more (40 shots)');
  });

  it('lists expectation values with their standard errors by index', () => {
    expect(renderValues({ pub: 1, shape: [2], evs: [1, -0.5], stds: [0, 0.03125] })).toBe(
      ['PUB 1, shape (2)', '  index       value   std error', '  (0)      1.000000    0.000000', '  (1)     -0.500000    0.031250'].join('\n'),
    );
  });

  it('reads a plain result file (hex samples along the PUB shape) and an estimator one', () => {
    const sampler = tablesFromFile({ results: [{ data: { c: { samples: [['0x3', '0x0'], ['0x3', '0x3']], num_bits: 2 } }, metadata: {} }], metadata: {} }, 'r.json');
    expect(renderTables(sampler)).toContain('  11             3   75.0%');
    const estimator = tablesFromFile({ results: [{ data: { evs: 0.25, stds: 0.01, ensemble_standard_error: 0.01 }, metadata: {} }], metadata: {} }, 'e.json');
    expect(renderTables(estimator)).toBe('PUB 0\n  index       value   std error\n  ()       0.250000    0.010000\n');
    expect(() => tablesFromFile({ pubs: [] }, 'p.json')).toThrow(/not a primitive result/);
  });
});
