/**
 * What is refused before anything is sent to a vendor: a circuit that does not fit the device (width,
 * basis, coupling, shots, circuits per task) and exact estimator values, which no QPU gives. Checked
 * on the batch the pipeline produced, since mitigation adds circuits and shots.
 */
import { checkCircuitFits } from '../../circuit/fit.js';
import { QrunError } from '../../errors.js';
import type { Batch } from '../../pipeline/types.js';
import { size } from '../../primitives/shape.js';
import type { BackendMetadata } from '../metadata.js';

export function refuseExact(pub: { readonly index: number; readonly precision: number }, backend: string): void {
  if (pub.precision !== 0) return;
  throw new QrunError(
    'EXACT_UNSUPPORTED',
    `pubs[${pub.index}] precision: 0 asks for exact expectation values, which ${backend} cannot give: a QPU estimates them from shots`,
    {
      hint: 'Give a precision > 0 (e.g. 0.01); exact values come only from the built-in simulator (qrun outside a QPU job).',
      details: { pub: pub.index, field: 'precision', backend },
    },
  );
}

/** Throws CIRCUIT_DOES_NOT_FIT or EXACT_UNSUPPORTED for the first PUB the device cannot run. */
export function checkRemoteBatch(batch: Batch, metadata: BackendMetadata, backend: string): void {
  const experiments = [...batch.sampler, ...batch.estimator].reduce((n, pub) => n + size(pub.shape), 0);
  for (const pub of batch.estimator) refuseExact(pub, backend);
  // On a QPU the circuit's physical qubits are the device's: no compaction, unlike the simulator.
  for (const pub of [...batch.sampler, ...batch.estimator]) checkCircuitFits(pub.circuit, metadata, { shots: pub.shots, experiments, pub: pub.index }, backend);
}
