import { describe, expect, it } from 'vitest';
import { checkMemory, createTsEngine, MAX_QUBITS, statevector } from '../../../src/sim/index.js';
import { nativeMemoryLimit, statesThatFit } from '../../../src/sim/memory.js';
import { QrunError } from '../../../src/errors.js';
import { circuit, gate, measure, reset } from './helpers.js';

describe('memory check', () => {
  it('refuses a 40-qubit circuit with CIRCUIT_TOO_LARGE before allocating', async () => {
    const c = circuit(40, [gate('h', [0]), measure(0, 0)], 1);
    let err: unknown;
    try {
      statevector(c, []);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(QrunError);
    const q = err as QrunError;
    expect(q.code).toBe('CIRCUIT_TOO_LARGE');
    expect(q.family).toBe('resource');
    // 2^40 · 16 bytes = 16 TiB
    expect(q.message).toContain('16.0 TiB');
    expect(q.message).toMatch(/at most \d+ qubits fit/);
    expect(q.details).toMatchObject({ numQubits: 40, bytesNeeded: 2 ** 44 });
    await expect(createTsEngine().sample(c, [], { shots: 1, seed: 0 })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    await expect(createTsEngine().expectationValues(circuit(40, []), [], [{ terms: [{ label: 'Z'.repeat(40), coeff: 1 }] }])).rejects.toMatchObject({
      code: 'CIRCUIT_TOO_LARGE',
    });
  });

  it('honours an explicit limit and says how many qubits fit', async () => {
    const limit = 16 * 2 ** 10; // exactly one 10-qubit state
    expect(() => checkMemory(10, limit)).not.toThrow();
    expect(() => checkMemory(11, limit)).toThrow(expect.objectContaining({ code: 'CIRCUIT_TOO_LARGE', details: expect.objectContaining({ maxQubits: 10 }) }));
    const engine = createTsEngine({ memoryLimitBytes: limit });
    const ok = circuit(10, [gate('h', [0]), measure(0, 0)], 1);
    await expect(engine.sample(ok, [], { shots: 2, seed: 0 })).resolves.toMatchObject({ shots: 2 });
    // Shot branching and per-shot simulation keep two states, so a dynamic circuit on all 10 qubits
    // no longer fits; one that leaves 9 of them in |0⟩ runs on one compacted qubit and does.
    const spread = Array.from({ length: 10 }, (_, q) => gate('h', [q]));
    const dynamic = circuit(10, [...spread, measure(0, 0), reset(0), measure(0, 0)], 1);
    await expect(engine.sample(dynamic, [], { shots: 2, seed: 0 })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    await expect(engine.sample(dynamic, [], { shots: 2, seed: 0, branching: false })).rejects.toMatchObject({ code: 'CIRCUIT_TOO_LARGE' });
    const narrow = circuit(10, [gate('h', [0]), measure(0, 0), reset(0), measure(0, 0)], 1);
    await expect(engine.sample(narrow, [], { shots: 2, seed: 0 })).resolves.toMatchObject({ shots: 2, branches: 2 });
  });

  it('caps the engine at MAX_QUBITS even with memory to spare', () => {
    expect(() => checkMemory(MAX_QUBITS + 1, 2 ** 60)).toThrow(expect.objectContaining({ code: 'CIRCUIT_TOO_LARGE' }));
  });
});

describe('nativeMemoryLimit', () => {
  const GiB = 2 ** 30;
  it('lets a 24 GiB machine hold 30 qubits in complex128 and 31 in complex64, one state each, and no more', () => {
    const limit = nativeMemoryLimit(24 * GiB);
    expect(limit).toBe(21 * GiB);
    expect(statesThatFit(30, limit, 16)).toBe(1);
    expect(statesThatFit(31, limit, 8)).toBe(1);
    expect(statesThatFit(31, limit, 16)).toBe(0);
    expect(statesThatFit(32, limit, 8)).toBe(0);
  });

  it('keeps at least 1 GiB for the rest, and half on a machine under 2 GiB', () => {
    expect(nativeMemoryLimit(4 * GiB)).toBe(3 * GiB);
    expect(nativeMemoryLimit(GiB)).toBe(GiB / 2);
  });
});
