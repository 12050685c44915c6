/**
 * Seeds. A run has one base seed (given, or drawn and reported in the result metadata so the run can
 * be repeated); every PUB element gets its own seed derived from it, so elements are independent and
 * adding a PUB does not change the samples of the others.
 */
import { randomInt } from 'node:crypto';

/** Seeds are unsigned 32-bit integers: what the engines' PRNGs take. */
export const MAX_SEED = 2 ** 32 - 1;

export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** A 32-bit finaliser (from MurmurHash3's fmix32): neighbouring inputs give unrelated outputs. */
function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

function elementSeed(base: number, pub: number, element: number): number {
  return mix32(mix32(base) ^ mix32(Math.imul(pub + 1, 0x9e3779b9) ^ element));
}

/**
 * The seed of element `element` of the `copy`-th circuit in one batch that carries PUB index `pub`.
 * Mitigation steps run several circuits per user PUB (twirled copies, folded circuits, measurement
 * bases) and keep its index; each must still draw its own stream, or the copies' shots are the same
 * random numbers and their errors never average out. Copy 0 is the PUB itself: its seed is
 * elementSeed's, so a run without mitigation keeps the samples a seed always gave.
 */
export function copySeed(base: number, pub: number, copy: number, element: number): number {
  const seed = elementSeed(base, pub, element);
  return copy === 0 ? seed : mix32(seed ^ mix32(Math.imul(copy, 0x85ebca6b) ^ 0x5bd1e995));
}

/**
 * For each entry of a batch, how many earlier entries carry the same PUB index: the `copy` argument
 * of copySeed. Counting in batch order keeps a user PUB's copies independent of the other PUBs.
 */
export function copyNumbers(pubs: readonly { readonly index: number }[]): number[] {
  const seen = new Map<number, number>();
  return pubs.map((pub) => {
    const copy = seen.get(pub.index) ?? 0;
    seen.set(pub.index, copy + 1);
    return copy;
  });
}
