/**
 * The one place that chooses the statevector engine for local runs. Today it is always the
 * TypeScript engine; the native engine (src/native/) extends this with QRUN_NATIVE=0|1 and the
 * "binary present" rule, without touching the callers.
 */
import type { Engine } from '../sim/api.js';
import { createTsEngine } from '../sim/index.js';

export function getEngine(_env: Readonly<Record<string, string | undefined>> = {}): Engine {
  return createTsEngine();
}
