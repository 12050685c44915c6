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

export function elementSeed(base: number, pub: number, element: number): number {
  return mix32(mix32(base) ^ mix32(Math.imul(pub + 1, 0x9e3779b9) ^ element));
}
