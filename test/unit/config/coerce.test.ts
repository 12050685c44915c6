import { describe, expect, it } from 'vitest';
import { booleanFlag, durationSeconds, parseBoolean, parseDurationSeconds } from '../../../src/config/coerce.js';

describe('parseDurationSeconds', () => {
  it.each([
    ['30', 30],
    ['30s', 30],
    ['250ms', 0.25],
    ['1.5m', 90],
    ['2h', 7200],
    [' 5 s ', 5],
  ])('%j → %d s', (text, seconds) => {
    expect(parseDurationSeconds(text)).toBeCloseTo(seconds, 9);
  });

  it.each(['', 's', '-1', '1d', '1e3', 'ten', '1.5.2s'])('rejects %j with the accepted spellings', (text) => {
    expect(() => parseDurationSeconds(text)).toThrow(/examples: 30, 30s/);
  });
});

describe('parseBoolean', () => {
  it.each(['1', 'true', 'YES', 'On'])('%j is true', (text) => expect(parseBoolean(text)).toBe(true));
  it.each(['0', 'false', 'no', 'OFF'])('%j is false', (text) => expect(parseBoolean(text)).toBe(false));
  it.each(['', 'y', 'enabled', '2'])('%j is an error, never a silent false', (text) => {
    expect(() => parseBoolean(text)).toThrow(/not a boolean/);
  });
});

describe('zod coercers', () => {
  it('accept numbers and strings and report bad spellings as issues', () => {
    expect(durationSeconds.parse('2m')).toBe(120);
    expect(durationSeconds.parse(5)).toBe(5);
    expect(booleanFlag.parse('yes')).toBe(true);
    const bad = durationSeconds.safeParse('soon');
    expect(bad.success).toBe(false);
  });
});
