/**
 * Bit order (PRIMITIVES.md): a sample's integer has classical bit i as bit i; as a bitstring, bit 0 is
 * the rightmost character. Several registers join as Qiskit's join_data() does, the first register
 * rightmost (PRIMITIVES.md said leftmost; Qiskit is what users compare with).
 */
import type { ClassicalRegister } from '../circuit/ir.js';
import type { ShotMemory } from '../sim/api.js';

export function bytesPerShot(numBits: number): number {
  return Math.ceil(numBits / 8);
}

/**
 * Copies one register's bits out of an engine's shot memory into BitArray layout (big-endian bytes
 * per shot), at `shotOffset` shots into `target`.
 */
export function copyRegister(memory: ShotMemory, register: ClassicalRegister, target: Uint8Array, shotOffset: number): void {
  const width = bytesPerShot(register.size);
  for (let shot = 0; shot < memory.shots; shot++) {
    const source = shot * memory.bytesPerShot;
    const row = (shotOffset + shot) * width;
    for (let b = 0; b < register.size; b++) {
      const clbit = register.offset + b;
      if (((memory.memory[source + (clbit >> 3)] ?? 0) >> (clbit & 7)) & 1) {
        const index = row + width - 1 - (b >> 3);
        target[index] = (target[index] ?? 0) | (1 << (b & 7));
      }
    }
  }
}

const HEX = '0123456789abcdef';

/** One shot's big-endian bytes as Qiskit's hex sample: "0x" and no leading zeros ("0x0" for zero). */
export function shotHex(bytes: Uint8Array, offset: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    const byte = bytes[offset + i] ?? 0;
    out += HEX[byte >> 4] ?? '0';
    out += HEX[byte & 15] ?? '0';
  }
  const trimmed = out.replace(/^0+/, '');
  return `0x${trimmed === '' ? '0' : trimmed}`;
}

/** One shot as a bitstring of numBits characters, bit 0 rightmost. */
export function shotBitstring(bytes: Uint8Array, offset: number, numBits: number): string {
  const width = bytesPerShot(numBits);
  let out = '';
  for (let b = numBits - 1; b >= 0; b--) {
    const byte = bytes[offset + width - 1 - (b >> 3)] ?? 0;
    out += (byte >> (b & 7)) & 1 ? '1' : '0';
  }
  return out;
}
