import { ERROR_CATALOG, type ErrorCode, type ErrorFamily } from '../errors.js';

/**
 * The one table from error family to process exit code. Documented in docs/errors.md; scripts rely on
 * it, so a number never changes meaning. 1 is left to Node itself (uncaught crash).
 */
export const EXIT_CODES: Readonly<Record<ErrorFamily | 'ok', number>> = {
  ok: 0,
  usage: 2,
  input: 3,
  config: 4,
  io: 5,
  capacity: 6,
  backend: 7,
  resource: 8,
  security: 9,
  environment: 10,
  unavailable: 11,
  // EX_TEMPFAIL (sysexits.h): try again later. A job script tests for it to chain the next job.
  interrupted: 75,
  internal: 70,
};

export function exitCodeFor(code: ErrorCode): number {
  return EXIT_CODES[ERROR_CATALOG[code].family];
}
