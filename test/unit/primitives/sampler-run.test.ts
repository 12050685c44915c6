import { describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { BitArray } from '../../../src/primitives/bit-array.js';
import { samplerToPlain } from '../../../src/primitives/encode-plain.js';
import { parseSamplerParams } from '../../../src/primitives/payload.js';
import { SamplerPubResult } from '../../../src/primitives/results.js';
import { runSampler } from '../../../src/primitives/run.js';
import { BELL, ghz, hadamards, withinSigmas } from './helpers.js';

async function sample(pubs: unknown[], extra: Record<string, unknown> = {}, seed = 7) {
  return runSampler(parseSamplerParams({ pubs, version: 2, ...extra }), { seed });
}

function counts(outcome: Awaited<ReturnType<typeof sample>>, pub = 0, register?: string): Record<string, number> {
  const result = outcome.pubs[pub];
  if (result === undefined) throw new Error('no such pub');
  return new SamplerPubResult(result).getCounts(register);
}

describe('sampler on the built-in simulator', () => {
  it('Bell: only 00 and 11, each about half', async () => {
    const shots = 4000;
    const c = counts(await sample([[BELL, null, shots]]));
    expect(Object.keys(c).sort()).toEqual(['00', '11']);
    expect(withinSigmas(c['00'] ?? 0, shots, 0.5)).toBe(true);
    expect(withinSigmas(c['11'] ?? 0, shots, 0.5)).toBe(true);
  });

  it('GHZ(5): only 00000 and 11111', async () => {
    const shots = 2000;
    const c = counts(await sample([[ghz(5), null, shots]]));
    expect(Object.keys(c).sort()).toEqual(['00000', '11111']);
    expect(withinSigmas(c['11111'] ?? 0, shots, 0.5)).toBe(true);
  });

  it('H⊗3: every outcome about 1/8', async () => {
    const shots = 8000;
    const c = counts(await sample([[hadamards(3), null, shots]]));
    expect(Object.keys(c)).toHaveLength(8);
    for (const value of Object.values(c)) expect(withinSigmas(value, shots, 1 / 8)).toBe(true);
  });

  it('defaults to 1024 shots; PUB shots beat --shots beat params shots beat options.default_shots', async () => {
    expect((await sample([[BELL]])).pubs[0]?.shots).toBe(1024);
    expect((await sample([[BELL]], { options: { default_shots: 30 } })).pubs[0]?.shots).toBe(30);
    expect((await sample([[BELL]], { shots: 20, options: { default_shots: 30 } })).pubs[0]?.shots).toBe(20);
    const overridden = await runSampler(parseSamplerParams({ pubs: [[BELL], [BELL, null, 5]], version: 2, shots: 20 }), { shots: 10, seed: 1 });
    expect(overridden.pubs.map((p) => p.shots)).toEqual([10, 5]);
  });

  it('is reproducible with a seed and reports the seed', async () => {
    const a = samplerToPlain(await sample([[BELL, null, 64]], {}, 99));
    const b = samplerToPlain(await sample([[BELL, null, 64]], {}, 99));
    expect(a).toEqual(b);
    expect(a.metadata['seed']).toBe(99);
    const fromOptions = await runSampler(parseSamplerParams({ pubs: [[BELL, null, 64]], version: 2, options: { simulator: { seed_simulator: 99 } } }));
    const c = samplerToPlain(fromOptions);
    expect(c.results).toEqual(a.results);
  });

  it('keeps the bit order of PRIMITIVES.md and Qiskit with several registers', async () => {
    const qasm = `OPENQASM 3.0;
include "stdgates.inc";
bit[2] a;
bit[3] b;
qubit[5] q;
x q[0];
x q[3];
x q[4];
a[0] = measure q[0];
a[1] = measure q[1];
b[0] = measure q[2];
b[1] = measure q[3];
b[2] = measure q[4];
`;
    const outcome = await sample([[qasm, null, 4]]);
    const plain = samplerToPlain(outcome);
    expect(Object.keys(plain.results[0]?.data ?? {})).toEqual(['a', 'b']);
    expect(plain.results[0]?.data['a']).toEqual({ samples: ['0x1', '0x1', '0x1', '0x1'], num_bits: 2 });
    expect(plain.results[0]?.data['b']).toEqual({ samples: ['0x6', '0x6', '0x6', '0x6'], num_bits: 3 });
    expect(counts(outcome, 0, 'a')).toEqual({ '01': 4 });
    expect(counts(outcome, 0, 'b')).toEqual({ '110': 4 });
    // Joined as Qiskit's join_data(): the first register rightmost (least significant), as in the
    // circuit's own clbit order (a = clbits 0–1, b = clbits 2–4).
    expect(counts(outcome, 0)).toEqual({ '11001': 4 });
  });

  it('handles registers wider than a byte (BitArray bytes are big-endian)', async () => {
    const n = 11;
    const xs = [0, 8, 10].map((i) => `x q[${i}];`).join('\n');
    const qasm = `OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[${n}] c;\nqubit[${n}] q;\n${xs}\nc = measure q;\n`;
    const outcome = await sample([[qasm, null, 2]]);
    const register = outcome.pubs[0]?.registers[0];
    expect(register?.numBits).toBe(11);
    expect([...(register?.bytes.subarray(0, 2) ?? [])]).toEqual([0b101, 0b1]);
    expect(samplerToPlain(outcome).results[0]?.data['c']?.samples).toEqual(['0x501', '0x501']);
    expect(new BitArray(register!).getBitstrings()).toEqual(['10100000001', '10100000001']);
    expect(new BitArray(register!).getInts()).toEqual([0x501n, 0x501n]);
  });

  it('QASM 2 and QASM 3 versions of one circuit give the same samples', async () => {
    const qasm3 = `OPENQASM 3.0;
include "stdgates.inc";
bit[3] c;
qubit[3] q;
h q[0];
ry(0.7) q[1];
cx q[0], q[2];
c = measure q;
`;
    const qasm2 = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[3];
creg c[3];
h q[0];
ry(0.7) q[1];
cx q[0],q[2];
measure q -> c;
`;
    const [a, b] = [await sample([[qasm3, null, 500]]), await sample([[qasm2, null, 500]])];
    expect(samplerToPlain(a).results).toEqual(samplerToPlain(b).results);
  });

  it('compacts physical qubits: a circuit on $3 and $7 runs on two qubits', async () => {
    const qasm = `OPENQASM 3.0;
include "stdgates.inc";
bit[2] c;
h $3;
cx $3, $7;
c[0] = measure $3;
c[1] = measure $7;
`;
    const outcome = await sample([[qasm, null, 1000]]);
    expect(Object.keys(counts(outcome)).sort()).toEqual(['00', '11']);
  });

  it('sweeps parameter values along the PUB shape', async () => {
    const qasm = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
bit[1] c;
qubit[1] q;
rx(theta) q[0];
c[0] = measure q[0];
`;
    const outcome = await sample([[qasm, [[[0], [Math.PI]], [[Math.PI], [0]], [[0], [0]]], 50]]);
    const pub = new SamplerPubResult(outcome.pubs[0]!);
    expect(pub.shape).toEqual([3, 2]);
    expect(pub.getCounts('c', [0, 0])).toEqual({ '0': 50 });
    expect(pub.getCounts('c', [0, 1])).toEqual({ '1': 50 });
    expect(pub.getCounts('c', [1, 0])).toEqual({ '1': 50 });
    expect(pub.getCounts('c')).toEqual({ '0': 200, '1': 100 });
    const samples = samplerToPlain(outcome).results[0]?.data['c']?.samples as string[][][];
    expect(samples).toHaveLength(3);
    expect(samples[0]).toHaveLength(2);
    expect(samples[0]?.[1]).toHaveLength(50);
    expect(samples[0]?.[1]?.[0]).toBe('0x1');
  });

  it('flips readout bits at the configured rate', async () => {
    const qasm = `OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[2] c;\nqubit[2] q;\nx q[1];\nc = measure q;\n`;
    const shots = 20000;
    const outcome = await sample([[qasm, null, shots]], { options: { simulator: { noise: { readout: { p01: 0.1, p10: 0.2 } } } } });
    const bits = new SamplerPubResult(outcome.pubs[0]!).getBitstrings('c');
    const ones0 = bits.filter((b) => b[1] === '1').length; // qubit 0 prepared 0
    const zeros1 = bits.filter((b) => b[0] === '0').length; // qubit 1 prepared 1
    expect(withinSigmas(ones0, shots, 0.1)).toBe(true);
    expect(withinSigmas(zeros1, shots, 0.2)).toBe(true);
  });

  it('names the PUB and field of circuit and parameter errors', async () => {
    const bad = async (pubs: unknown[]): Promise<QrunError> => {
      try {
        await sample(pubs);
      } catch (error) {
        if (error instanceof QrunError) return error;
        throw error;
      }
      throw new Error('expected an error');
    };
    const syntax = await bad([[BELL], ['OPENQASM 3.0; qubit[1] q; h q[0]']]);
    expect(syntax.code).toBe('QASM_SYNTAX');
    expect(syntax.message).toMatch(/^pubs\[1\] circuit: /);
    expect(syntax.details).toMatchObject({ pub: 1, field: 'circuit' });
    const params = await bad([[BELL, [0.5]]]);
    expect(params.code).toBe('PAYLOAD_INVALID');
    expect(params.message).toMatch(/^pubs\[0\] parameter_values: .*has 0/);
  });

  it('refuses a circuit larger than the simulator with CIRCUIT_DOES_NOT_FIT', async () => {
    const error = await sample([[hadamards(40), null, 1]]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QrunError);
    expect((error as QrunError).code).toBe('CIRCUIT_DOES_NOT_FIT');
    expect((error as QrunError).message).toMatch(/^pubs\[0\] circuit: needs 40 qubits, sim has \d+/);
  });
});
