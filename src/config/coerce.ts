import { z } from 'zod';

/**
 * Named coercers for values that arrive as strings (plugstack.conf arguments, environment, CLI
 * flags). Each accepts exactly the documented spellings and nothing else.
 */

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 0.001, s: 1, m: 60, h: 3600 };

/** `30`, `30s`, `1.5m`, `250ms`, `2h` → seconds. A bare number means seconds. */
export function parseDurationSeconds(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!match) throw new TypeError(`"${text}" is not a duration (examples: 30, 30s, 250ms, 1.5m, 2h)`);
  const value = Number(match[1]) * (DURATION_UNITS[match[2] ?? 's'] ?? 1);
  if (!Number.isFinite(value)) throw new TypeError(`"${text}" is not a finite duration`);
  return value;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

/** `1|true|yes|on` and `0|false|no|off` (any case); anything else is an error, never a silent false. */
export function parseBoolean(text: string): boolean {
  const word = text.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new TypeError(`"${text}" is not a boolean (use one of 1, true, yes, on, 0, false, no, off)`);
}

/** zod forms of the coercers, for schemas that accept either a number or a string spelling. */
export const durationSeconds = z.union([
  z.number().nonnegative(),
  z.string().transform((text, ctx) => {
    try {
      return parseDurationSeconds(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
]);

export const booleanFlag = z.union([
  z.boolean(),
  z.string().transform((text, ctx) => {
    try {
      return parseBoolean(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
  }),
]);
