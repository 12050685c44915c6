/** Unitaries of small circuits, column by column from the engine's statevector on each basis state. */
import type { Circuit, Op } from '../../../src/circuit/ir.js';
import { statevector } from '../../../src/sim/index.js';
import { gate } from '../sim/helpers.js';

export function unitaryColumns(c: Circuit): Float64Array[] {
  const columns: Float64Array[] = [];
  for (let k = 0; k < 1 << c.numQubits; k++) {
    const prep: Op[] = [];
    for (let q = 0; q < c.numQubits; q++) if ((k >> q) & 1) prep.push(gate('x', [q]));
    columns.push(statevector({ ...c, ops: [...prep, ...c.ops.filter((o) => o.kind !== 'measure')] }, []));
  }
  return columns;
}

/** Largest |a − e^{iφ} b| over all entries, with φ fitted from the largest entry of b. */
export function distanceUpToPhase(a: readonly Float64Array[], b: readonly Float64Array[]): number {
  let best = 0;
  let phase: [number, number] = [1, 0];
  b.forEach((col, j) => {
    for (let i = 0; i < col.length; i += 2) {
      const mag = col[i]! ** 2 + col[i + 1]! ** 2;
      if (mag > best) {
        best = mag;
        const [ar, ai, br, bi] = [a[j]![i]!, a[j]![i + 1]!, col[i]!, col[i + 1]!];
        phase = [(ar * br + ai * bi) / mag, (ai * br - ar * bi) / mag];
      }
    }
  });
  let worst = 0;
  b.forEach((col, j) => {
    for (let i = 0; i < col.length; i += 2) {
      const re = phase[0] * col[i]! - phase[1] * col[i + 1]!;
      const im = phase[0] * col[i + 1]! + phase[1] * col[i]!;
      worst = Math.max(worst, Math.hypot(a[j]![i]! - re, a[j]![i + 1]! - im));
    }
  });
  return worst;
}
