// The project's engines as the benchmarks drive them: simulate a circuit and evaluate <I...I>
// (one read pass over the final state), so every engine does the same work and no 2^n-sized result
// is copied out.
import { createNativeEngine } from '../../src/native/engine.js';
import { loadBinding } from '../../src/native/binding.js';
import { createTsEngine } from '../../src/sim/engine.js';
import { identityObservable } from './circuits.mjs';

export function nativeBinding() {
  const found = loadBinding();
  if (found.status !== 'loaded') throw new Error('the native addon is not built: run `npm run build:native` first');
  return found.binding;
}

export function engines() {
  const binding = nativeBinding();
  return {
    ts: createTsEngine(),
    native: createNativeEngine({ binding }),
    native32: createNativeEngine({ binding, precision: 'complex64' }),
  };
}

export function simulate(engine, c) {
  return engine.expectationValues(c, [], [identityObservable(c.numQubits)]);
}
