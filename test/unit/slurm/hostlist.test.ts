import { describe, expect, it } from 'vitest';
import { expandHostlist } from '../../../src/slurm/hostlist.js';

describe('hostlist expansion', () => {
  it.each<[string, string[]]>([
    ['vm', ['vm']],
    ['qn[1-3]', ['qn1', 'qn2', 'qn3']],
    ['qn[1-2],gpu07', ['qn1', 'qn2', 'gpu07']],
    ['n[08-10]', ['n08', 'n09', 'n10']],
    ['n[1,3-4]-ib', ['n1-ib', 'n3-ib', 'n4-ib']],
  ])('%s', (text, hosts) => {
    expect(expandHostlist(text)).toEqual(hosts);
  });

  it('refuses what it cannot read rather than guessing', () => {
    expect(() => expandHostlist('qn[1-')).toThrow(/unbalanced|bad range/);
    expect(() => expandHostlist('qn[3-1]')).toThrow(/bad range/);
    expect(() => expandHostlist('qn[1-2][3-4]')).toThrow(/bracket/);
    expect(() => expandHostlist('n[0-200000]')).toThrow(/bad range|more than/);
  });
});
