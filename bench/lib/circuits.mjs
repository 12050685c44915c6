// Benchmark circuits in the project's circuit IR (src/circuit/ir.ts), built directly so that no
// parser time is measured. Every generator is deterministic for a given seed.

const num = (value) => ({ kind: 'num', value });
const gate = (name, qubits, ...params) => ({ kind: 'gate', name, qubits, params: params.map(num) });

export function circuit(numQubits, ops, numClbits = 0) {
  return {
    numQubits,
    numClbits,
    clbitRegisters: numClbits > 0 ? [{ name: 'c', size: numClbits, offset: 0 }] : [],
    parameters: [],
    physicalQubits: null,
    ops,
  };
}

/** mulberry32: a tiny seeded PRNG for circuit generation. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Quantum-volume-like random layered circuit: each layer pairs the qubits at random and applies to
 * each pair a generic two-qubit unitary in the KAK form (u3 ⊗ u3, then 3 × [cx, u3 ⊗ u3]); an odd
 * qubit out idles. `layers` defaults to n (square circuits, as quantum volume).
 */
export function quantumVolume(n, layers = n, seed = 1) {
  const r = rng(seed);
  const angle = () => r() * 2 * Math.PI;
  const ops = [];
  for (let l = 0; l < layers; l++) {
    const perm = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(r() * (i + 1));
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    for (let p = 0; p + 1 < n; p += 2) {
      const a = perm[p];
      const b = perm[p + 1];
      ops.push(gate('u', [a], angle(), angle(), angle()), gate('u', [b], angle(), angle(), angle()));
      for (let k = 0; k < 3; k++) {
        ops.push(gate('cx', [a, b]));
        ops.push(gate('u', [a], angle(), angle(), angle()), gate('u', [b], angle(), angle(), angle()));
      }
    }
  }
  return circuit(n, ops);
}

/** H on every qubit, a CX chain 0→1→…→n−1, then RZ on every qubit; repeated `depth` times. */
export function hCxRz(n, depth = 1) {
  const ops = [];
  for (let d = 0; d < depth; d++) {
    for (let q = 0; q < n; q++) ops.push(gate('h', [q]));
    for (let q = 0; q + 1 < n; q++) ops.push(gate('cx', [q, q + 1]));
    for (let q = 0; q < n; q++) ops.push(gate('rz', [q], 0.1 + 0.01 * q));
  }
  return circuit(n, ops);
}

/**
 * The textbook QFT (H and controlled phases, then the qubit-reversing swaps) applied to a prepared
 * product state (H and a distinct RZ on every qubit), so that neither input nor output is a basis
 * state and sparse simulators get no shortcut.
 */
export function qft(n) {
  const ops = [];
  for (let q = 0; q < n; q++) ops.push(gate('h', [q]), gate('rz', [q], 0.1 + 0.01 * q));
  for (let j = n - 1; j >= 0; j--) {
    ops.push(gate('h', [j]));
    for (let k = j - 1; k >= 0; k--) ops.push(gate('cp', [k, j], Math.PI / 2 ** (j - k)));
  }
  for (let q = 0; q < n >> 1; q++) ops.push(gate('swap', [q, n - 1 - q]));
  return circuit(n, ops);
}

export function withMeasurements(c) {
  const ops = [...c.ops, ...Array.from({ length: c.numQubits }, (_, q) => ({ kind: 'measure', qubit: q, clbit: q }))];
  return circuit(c.numQubits, ops, c.numQubits);
}

export function gateCount(c) {
  return c.ops.filter((o) => o.kind === 'gate').length;
}

/** <I...I>: the cheapest observable; evaluating it is one read pass over the final state. */
export function identityObservable(n) {
  return { terms: [{ label: 'I'.repeat(n), coeff: 1 }] };
}

/**
 * qsim's benchmark shape: each of `depth` layers applies a random 1-qubit gate (u with three random
 * angles) to every qubit, then CZ on alternating neighbour pairs ((0,1), (2,3), … in even layers,
 * (1,2), (3,4), … in odd ones).
 */
export function brickwork(n, depth = 20, seed = 1) {
  const r = rng(seed);
  const angle = () => r() * 2 * Math.PI;
  const ops = [];
  for (let d = 0; d < depth; d++) {
    for (let q = 0; q < n; q++) ops.push(gate('u', [q], angle(), angle(), angle()));
    for (let q = d % 2; q + 1 < n; q += 2) ops.push(gate('cz', [q, q + 1]));
  }
  return circuit(n, ops);
}

/** GHZ: H on qubit 0, then a CX chain 0→1→…→n−1. */
export function ghz(n) {
  const ops = [gate('h', [0])];
  for (let q = 0; q + 1 < n; q++) ops.push(gate('cx', [q, q + 1]));
  return circuit(n, ops);
}
