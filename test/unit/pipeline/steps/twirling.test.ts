import { describe, expect, it } from 'vitest';
import { twirlGates, twirlMeasurements } from '../../../../src/pipeline/math/twirl.js';
import { randomizationPlan, twirlingStep } from '../../../../src/pipeline/steps/twirling.js';
import { createPrng } from '../../../../src/sim/prng.js';
import { runPipeline, resolvePipeline, builtinRegistry } from '../../../../src/pipeline/index.js';
import { batchOf, circuit, estimatorPub, gate, ghzOps, measureAll, request, samplerPub, simExecute } from '../helpers.js';
import { distanceUpToPhase, unitaryColumns } from '../unitary.js';

const body = [gate('h', [0]), gate('cx', [0, 1]), gate('rz', [1], 0.3), gate('cz', [1, 2]), gate('ecr', [2, 0]), gate('sx', [2]), gate('cx', [2, 1])];

describe('Pauli twirling', () => {
  it('leaves the circuit unitary unchanged up to global phase, for many random twirls', () => {
    const original = circuit(3, body);
    const reference = unitaryColumns(original);
    const rng = createPrng(11);
    for (let trial = 0; trial < 40; trial++) {
      const twirled = twirlGates(original, ['cx', 'cz', 'ecr'], rng);
      expect(twirled.ops.length).toBeGreaterThanOrEqual(original.ops.length);
      expect(distanceUpToPhase(unitaryColumns(twirled), reference)).toBeLessThan(1e-12);
    }
  });

  it('actually inserts Paulis (a twirl is not the identity map on the op list)', () => {
    const rng = createPrng(3);
    const lengths = new Set(Array.from({ length: 10 }, () => twirlGates(circuit(3, body), ['cx', 'cz', 'ecr'], rng).ops.length));
    expect(lengths.size).toBeGreaterThan(1);
  });

  it('measurement twirling records exactly the clbits whose X it inserted', () => {
    const rng = createPrng(5);
    for (let trial = 0; trial < 20; trial++) {
      const { circuit: c, flip } = twirlMeasurements(circuit(3, [...ghzOps(3), ...measureAll(3)], 3), rng);
      const xs = c.ops.filter((o) => o.kind === 'gate' && o.name === 'x').map((o) => (o.kind === 'gate' ? o.qubits[0]! : -1));
      expect(xs.reduce((m, q) => m | (1 << q), 0)).toBe(flip);
    }
  });

  it("follows IBM's num_randomizations / shots_per_randomization rules", () => {
    expect(randomizationPlan(1000, { num_randomizations: 'auto', shots_per_randomization: 'auto' })).toEqual({ n: 32, per: 32 });
    expect(randomizationPlan(1000, { num_randomizations: 10, shots_per_randomization: 'auto' })).toEqual({ n: 10, per: 100 });
    expect(randomizationPlan(1000, { num_randomizations: 'auto', shots_per_randomization: 300 })).toEqual({ n: 4, per: 300 });
    expect(randomizationPlan(1000, { num_randomizations: 3, shots_per_randomization: 7 })).toEqual({ n: 3, per: 7 });
  });

  it('a twirled sampler run returns the same outcomes as the plain one (flips undone), n × per shots', async () => {
    const steps = resolvePipeline([{ name: 'twirling', options: { num_randomizations: 8, shots_per_randomization: 64 } }], builtinRegistry(), 'sampler');
    const c = circuit(3, [...ghzOps(3), ...measureAll(3)], 3);
    const { results } = await runPipeline(steps, batchOf({ sampler: [samplerPub(c, 512)] }), request('sampler'), simExecute(1));
    const pub = results.sampler[0]!;
    expect(pub.shots).toBe(512);
    const bytes = pub.registers[0]!.bytes;
    // Noiseless GHZ: only 000 and 111, in both halves of the randomizations.
    expect(new Set(bytes)).toEqual(new Set([0, 7]));
    expect(pub.metadata.twirling).toMatchObject({ num_randomizations: 8, shots_per_randomization: 64 });
  });

  it('a twirled estimator keeps exact expectation values exact (signs of flipped terms restored)', async () => {
    const steps = resolvePipeline([{ name: twirlingStep.name, options: { num_randomizations: 6 } }], builtinRegistry(), 'estimator');
    const c = circuit(3, ghzOps(3));
    const { results } = await runPipeline(steps, batchOf({ estimator: [estimatorPub(c, ['ZZI', 'XXX', 'ZIZ', 'YYX'])] }), request('estimator'), simExecute(2));
    const evs = results.estimator[0]!.evs;
    [1, 1, 1, -1].forEach((v, i) => expect(evs[i]).toBeCloseTo(v, 12));
  });
});
