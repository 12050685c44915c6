/**
 * `isAccessible` for the vendor backends: a vendor's refusal (a project error: bad credential, device
 * down, unreachable) becomes the answer's reason with its fix, for `qrun backends` and `qrun admin
 * doctor`; anything else is a bug and is thrown.
 */
import { isQrunError } from '../errors.js';
import type { Accessibility } from './types.js';

export async function accessibility(check: () => Promise<Accessibility>): Promise<Accessibility> {
  try {
    return await check();
  } catch (error) {
    if (!isQrunError(error)) throw error;
    return { ok: false, reason: error.hint === undefined ? error.message : `${error.message}. ${error.hint}` };
  }
}
