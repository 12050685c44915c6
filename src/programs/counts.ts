/**
 * A vendor's counts (bitstring → shots) in the project's result model, so `qrun run` writes what
 * `qrun sample` writes: one PUB, one register, a sample per shot. Vendors such as Pulser write the
 * first atom as the leftmost character; in the model (as in Qiskit) bit 0 is the rightmost, so atom i
 * is register bit i and the Qiskit bitstring of a shot is the vendor's reversed. The vendor's own
 * counts stay in the PUB's metadata, in the vendor's spelling, beside the atoms' ids.
 */
import { QrunError } from '../errors.js';
import { bytesPerShot } from '../primitives/bits.js';
import type { SamplerOutcome } from '../primitives/result-model.js';

export interface CountsResult {
  /** Vendor bitstring (first atom leftmost) → number of shots. */
  readonly counts: Readonly<Record<string, number>>;
  /** The atoms (or qubits) in the order of the bitstrings' characters. */
  readonly atoms: readonly string[];
  /** The register's name in the result. */
  readonly register: string;
  readonly metadata: Record<string, unknown>;
  readonly pubMetadata?: Record<string, unknown>;
}

function badCounts(message: string, backend: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the vendor's counts ${message}`, {
    hint: 'The vendor sent a result this version cannot read; report it with the batch id.',
    details: { backend },
  });
}

export function countsToOutcome(result: CountsResult, backend: string): SamplerOutcome {
  const numBits = result.atoms.length;
  const width = bytesPerShot(numBits);
  const entries = Object.entries(result.counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  let shots = 0;
  for (const [bits, count] of entries) {
    if (!/^[01]+$/.test(bits) || bits.length !== numBits) throw badCounts(`hold ${JSON.stringify(bits)}, not a bitstring of ${numBits} atoms`, backend);
    if (!Number.isSafeInteger(count) || count < 0) throw badCounts(`give ${JSON.stringify(count)} shots for ${bits}`, backend);
    shots += count;
  }
  const bytes = new Uint8Array(shots * width);
  let shot = 0;
  for (const [bits, count] of entries) {
    for (let n = 0; n < count; n++, shot++) {
      const row = shot * width;
      for (let atom = 0; atom < numBits; atom++) {
        if (bits[atom] !== '1') continue;
        const index = row + width - 1 - (atom >> 3);
        bytes[index] = (bytes[index] ?? 0) | (1 << (atom & 7));
      }
    }
  }
  return {
    kind: 'sampler',
    pubs: [
      {
        shape: [],
        shots,
        registers: [{ name: result.register, numBits, shape: [], shots, bytes }],
        metadata: { shots, atoms: [...result.atoms], counts: Object.fromEntries(entries), ...(result.pubMetadata ?? {}) },
      },
    ],
    metadata: { version: 2, ...result.metadata },
  };
}
