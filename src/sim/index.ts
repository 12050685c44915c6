/**
 * The simulator's public face: the TypeScript Engine, and the building blocks the native engine's
 * parity tests and the mitigation pipeline reuse.
 */
export type { Engine, NoiseModel, PauliSum, SampleOptions, ShotMemory } from './api.js';
export {
  createTsEngine,
  DEFAULT_TRAJECTORIES,
  estimateCircuit,
  sampleCircuit,
  statevector,
  type StatevectorOptions,
  type TsEngineOptions,
} from './engine.js';
export { GATE_KIND, gateMatrix, structureOf, type GateKind, type Structured } from './gates.js';
export { dagger, embed1q, identity, kron, matmul, type Matrix } from './matrix.js';
export { checkMemory, DEFAULT_MEMORY_FRACTION, MAX_QUBITS, statevectorBytes } from './memory.js';
export { cumulativeInPlace, probabilities, sampleIndex, sampleIndices } from './measure.js';
export { expectationFromState, parsePauli, pauliExpectations, type PauliTerm } from './pauli.js';
export { readoutExpectations } from './readout.js';
export { createPrng, seedState, xoshiro128ss, type Prng } from './prng.js';
export { compile, type Instr, type Program } from './program.js';
export { applyStructured } from './kernels.js';
