/**
 * The one place that chooses the statevector engine for local runs: src/native/select.ts decides
 * (QRUN_NATIVE=0|1, otherwise native whenever its binary exists; a broken binary is an error).
 */
import type { Engine } from '../sim/api.js';
import { selectEngine } from '../native/select.js';

export function getEngine(env: Readonly<Record<string, string | undefined>> = {}): Engine {
  return selectEngine(env).engine;
}
