/**
 * The engines every shared test runs against: the TypeScript engine (the reference and fallback),
 * the native engine in complex128 and in complex64. `tol` is the absolute error an exact value may
 * carry on that engine.
 */
import type { Engine } from '../../../src/sim/api.js';
import { createTsEngine } from '../../../src/sim/engine.js';
import { createNativeEngine } from '../../../src/native/engine.js';
import { nativeBinding } from '../native/binding.js';

export interface EngineCase {
  readonly label: string;
  readonly tol: number;
  make(options?: { memoryLimitBytes?: number }): Engine;
}

const binding = nativeBinding;

export const ENGINES: readonly EngineCase[] = [
  { label: 'ts', tol: 1e-12, make: (o = {}) => createTsEngine(o) },
  { label: 'native complex128', tol: 1e-12, make: (o = {}) => createNativeEngine({ ...o, binding: binding() }) },
  { label: 'native complex64', tol: 1e-5, make: (o = {}) => createNativeEngine({ ...o, binding: binding(), precision: 'complex64' }) },
];
