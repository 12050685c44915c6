/**
 * Reading sampler results back as classical bits. RegisterSamples use Qiskit's BitArray layout
 * (src/pipeline/types.ts); these helpers turn one PUB element's shots into integers whose bit c is
 * global classical bit c of the circuit, which is what the mitigation math indexes by.
 */
import type { Circuit } from '../circuit/ir.js';
import type { SamplerPubResult } from './types.js';

/** Most classical bits a bitstring may have here: they are kept in 32-bit integers. */
export const MAX_COUNT_BITS = 30;

/** Integer of shot `shot` of element `element`: bit c = global clbit c. */
function shotValue(result: SamplerPubResult, circuit: Circuit, element: number, shot: number): number {
  let value = 0;
  circuit.clbitRegisters.forEach((register, r) => {
    const samples = result.registers[r];
    if (samples === undefined) return;
    const width = Math.ceil(samples.numBits / 8);
    const row = (element * samples.shots + shot) * width;
    for (let b = 0; b < register.size; b++) {
      const byte = samples.bytes[row + width - 1 - (b >> 3)] ?? 0;
      if ((byte >> (b & 7)) & 1) value |= 1 << (register.offset + b);
    }
  });
  return value >>> 0;
}

/** Counts of one element's shots by integer outcome. */
export function elementCounts(result: SamplerPubResult, circuit: Circuit, element: number): Map<number, number> {
  const counts = new Map<number, number>();
  for (let s = 0; s < result.shots; s++) {
    const v = shotValue(result, circuit, element, s);
    counts.set(v, (counts.get(v) ?? 0) + 1);
  }
  return counts;
}

/** An integer outcome as a bitstring of `bits` characters, bit 0 rightmost. */
export function bitstring(value: number, bits: number): string {
  return (value >>> 0).toString(2).padStart(bits, '0');
}

/** XORs `mask` (bit c = global clbit c) into every shot of `element`, in place. */
export function flipShots(result: SamplerPubResult, circuit: Circuit, element: number, firstShot: number, shots: number, mask: number): void {
  if (mask === 0) return;
  circuit.clbitRegisters.forEach((register, r) => {
    const samples = result.registers[r];
    if (samples === undefined) return;
    const width = Math.ceil(samples.numBits / 8);
    for (let b = 0; b < register.size; b++) {
      if (((mask >>> (register.offset + b)) & 1) === 0) continue;
      for (let s = firstShot; s < firstShot + shots; s++) {
        const index = (element * samples.shots + s) * width + width - 1 - (b >> 3);
        samples.bytes[index] = (samples.bytes[index] ?? 0) ^ (1 << (b & 7));
      }
    }
  });
}
