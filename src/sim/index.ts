/**
 * The simulator's public face: the TypeScript Engine, and the building blocks the native engine's
 * parity tests and the mitigation pipeline reuse.
 */
;
export {
  createTsEngine,
  
  
  
  statevector,
  
  
} from './engine.js';
export { GATE_KIND, gateMatrix, structureOf,   } from './gates.js';
export { dagger,  identity, kron, matmul, type Matrix } from './matrix.js';
export { checkMemory,  MAX_QUBITS,  } from './memory.js';
export {   sampleIndex, sampleIndices } from './measure.js';
export { expectationFromState,    } from './pauli.js';
;
export { createPrng,  xoshiro128ss,  } from './prng.js';
export { compile,   } from './program.js';
;
