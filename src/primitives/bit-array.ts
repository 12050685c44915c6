/**
 * One classical register's samples over a PUB, with the accessors Qiskit's BitArray offers
 * (get_counts, get_bitstrings, get_int_counts). Bit order as PRIMITIVES.md: register bit 0 is the
 * rightmost character of a bitstring.
 */
import { QrunError } from '../errors.js';
import { bytesPerShot, shotBitstring, shotHex } from './bits.js';
import type { RegisterSamples } from './result-model.js';
import { ravelIndex, size, type Shape } from './shape.js';

export type Index = number | readonly number[];

export class BitArray {
  readonly numBits: number;
  /** The PUB shape: one set of shots per element. */
  readonly shape: Shape;
  /** Shots per element. */
  readonly numShots: number;
  /** Qiskit's layout: (...shape, numShots, ceil(numBits/8)) uint8, each shot big-endian. */
  readonly bytes: Uint8Array;

  constructor(samples: Pick<RegisterSamples, 'numBits' | 'shape' | 'shots' | 'bytes'>) {
    this.numBits = samples.numBits;
    this.shape = samples.shape;
    this.numShots = samples.shots;
    this.bytes = samples.bytes;
  }

  /** Element indices an accessor covers: one element, or all of them when no index is given. */
  private elements(index: Index | undefined): number[] {
    if (index === undefined) return Array.from({ length: size(this.shape) }, (_, i) => i);
    const coords = typeof index === 'number' ? [index] : index;
    try {
      return [ravelIndex(coords, this.shape)];
    } catch (error) {
      throw new QrunError('OPTION_INVALID', `index [${coords.join(', ')}] does not address an element of shape (${this.shape.join(', ')})`, { cause: error });
    }
  }

  private *shotOffsets(index: Index | undefined): Generator<number> {
    const width = bytesPerShot(this.numBits);
    for (const e of this.elements(index)) {
      for (let s = 0; s < this.numShots; s++) yield (e * this.numShots + s) * width;
    }
  }

  /** Bitstrings of every shot, in shot order; without an index, of every element in turn. */
  getBitstrings(index?: Index): string[] {
    return [...this.shotOffsets(index)].map((offset) => shotBitstring(this.bytes, offset, this.numBits));
  }

  /** Outcome counts keyed by bitstring; without an index, summed over every element of the PUB. */
  getCounts(index?: Index): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const offset of this.shotOffsets(index)) {
      const key = shotBitstring(this.bytes, offset, this.numBits);
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  /** Each shot's value as an integer (bit i of the register is bit i of the value). */
  getInts(index?: Index): bigint[] {
    const width = bytesPerShot(this.numBits);
    return [...this.shotOffsets(index)].map((offset) => BigInt(shotHex(this.bytes, offset, width)));
  }

  /** Each shot as the hex string of the plain JSON result ("0x3"). */
  getHex(index?: Index): string[] {
    const width = bytesPerShot(this.numBits);
    return [...this.shotOffsets(index)].map((offset) => shotHex(this.bytes, offset, width));
  }

  /**
   * Joins registers into one wider BitArray as Qiskit's `BitArray.concatenate_bits` (and so
   * `join_data()`) does: the first register in the least significant (rightmost) bits, so registers
   * a = `01`, b = `110` join as `"11001"`.
   */
  static join(arrays: readonly BitArray[]): BitArray {
    const first = arrays[0];
    if (first === undefined) return new BitArray({ numBits: 0, shape: [], shots: 0, bytes: new Uint8Array(0) });
    const numBits = arrays.reduce((n, a) => n + a.numBits, 0);
    const width = bytesPerShot(numBits);
    const rows = size(first.shape) * first.numShots;
    const bytes = new Uint8Array(rows * width);
    let shift = 0;
    for (const array of arrays) {
      const sourceWidth = bytesPerShot(array.numBits);
      for (let row = 0; row < rows; row++) {
        for (let b = 0; b < array.numBits; b++) {
          const source = array.bytes[row * sourceWidth + sourceWidth - 1 - (b >> 3)] ?? 0;
          if ((source >> (b & 7)) & 1) {
            const bit = shift + b;
            const target = row * width + width - 1 - (bit >> 3);
            bytes[target] = (bytes[target] ?? 0) | (1 << (bit & 7));
          }
        }
      }
      shift += array.numBits;
    }
    return new BitArray({ numBits, shape: first.shape, shots: first.numShots, bytes });
  }
}
