import { describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { parseNativePayload } from '../../../src/programs/envelope.js';
import { countsToOutcome } from '../../../src/programs/counts.js';
import { toPlain } from '../../../src/primitives/encode-plain.js';
import { piPulsePayload } from '../backends/pasqal-cloud/helpers.js';

function problems(value: unknown): string[] {
  try {
    parseNativePayload(value);
  } catch (error) {
    if (error instanceof QrunError && error.code === 'NATIVE_PAYLOAD_INVALID') return (error.details?.['problems'] as { path: string }[]).map((p) => p.path);
    throw error;
  }
  return [];
}

describe('vendor-native payload envelope', () => {
  it("reads the payload Pulser's serializer wrote, and the sequence as JSON text too", () => {
    const payload = piPulsePayload();
    expect(parseNativePayload(payload)).toMatchObject({ program: 'pulser', shots: 100 });
    expect(parseNativePayload({ ...payload, sequence: JSON.stringify(payload.sequence) }).sequence.register).toHaveLength(2);
  });

  it('names an unknown or missing program and what is known', () => {
    for (const program of [undefined, 'qiskit', 7]) {
      const error = (() => {
        try {
          parseNativePayload({ program, shots: 1 });
        } catch (e) {
          return e as QrunError;
        }
        return undefined;
      })();
      expect(error?.code).toBe('NATIVE_PAYLOAD_INVALID');
      expect(error?.message).toMatch(/program: .*expected one of "pulser"/);
    }
  });

  it('names every bad field at once', () => {
    const payload = piPulsePayload();
    const sequence = { ...payload.sequence, register: [], channels: 'rydberg', operations: [{ no_op: true }] };
    delete (sequence as Record<string, unknown>)['device'];
    expect(problems({ ...payload, sequence, shots: 0, extra: 1 }).sort()).toEqual(
      ['(root)', 'sequence.channels', 'sequence.device', 'sequence.operations.0.op', 'sequence.register', 'shots'].sort(),
    );
    expect(problems({ ...payload, shots: 2.5 })).toEqual(['shots']);
    expect(problems({ ...payload, sequence: 'not json' })).toEqual(['sequence']);
    expect(problems({ ...payload, variables: { omega: 1 } })).toEqual(['variables.omega']);
    expect(problems([])).toEqual(['(root)']);
  });
});

describe('counts in the result model', () => {
  it("keeps the vendor's counts and puts atom i at register bit i (Qiskit's bit order)", () => {
    const outcome = countsToOutcome({ counts: { '100': 3, '011': 1 }, atoms: ['a', 'b', 'c'], register: 'atoms', metadata: {} }, 'fresnel');
    const plain = toPlain(outcome) as unknown as { results: { data: { atoms: { samples: string[]; num_bits: number } }; metadata: Record<string, unknown> }[] };
    // Pulser's "100" (atom a excited) is bit 0: 0x1; "011" (b and c) is 0b110: 0x6.
    expect(plain.results[0]?.data.atoms).toEqual({ samples: ['0x6', '0x1', '0x1', '0x1'], num_bits: 3 });
    expect(plain.results[0]?.metadata).toMatchObject({ shots: 4, atoms: ['a', 'b', 'c'], counts: { '011': 1, '100': 3 } });
  });

  it('refuses counts that are not bitstrings of the atoms', () => {
    expect(() => countsToOutcome({ counts: { '10': 1 }, atoms: ['a', 'b', 'c'], register: 'atoms', metadata: {} }, 'fresnel')).toThrow(/not a bitstring of 3 atoms/);
  });
});
