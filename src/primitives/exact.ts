/**
 * Exact mode: an estimator PUB with precision 0 gets exact expectation values and stds of 0, as
 * Qiskit's StatevectorEstimator gives by default. Only the noiseless statevector can do that. A noise
 * model makes the values trajectory averages (Monte Carlo), and mitigation steps that sample (readout
 * runs measured circuits, twirling and ZNE run randomized or folded copies whose shots set the error)
 * have a shot-noise error by construction, so such a run is refused up front rather than returning
 * values with a made-up std of 0. Steps that only rewrite circuits deterministically keep working.
 */
import { QrunError } from '../errors.js';

/** Built-in steps that neither sample nor randomize: exact values stay exact through them. */
const EXACT_STEPS: ReadonlySet<string> = new Set(['dynamical_decoupling']);

export function isExact(pub: { readonly precision: number }): boolean {
  return pub.precision === 0;
}

function exactError(pub: number, why: string, hint: string, details: Record<string, unknown>): QrunError {
  return new QrunError('EXACT_UNSUPPORTED', `pubs[${pub}] precision: 0 asks for exact expectation values, which ${why}`, {
    hint,
    details: { pub, field: 'precision', ...details },
  });
}

/** Refuses exact PUBs on a run that samples; call before any engine time is spent. */
export function checkExactRun(
  pubs: readonly { readonly index: number; readonly precision: number }[],
  steps: readonly { readonly definition: { readonly name: string } }[],
  /** The payload's options.simulator.noise, or the engine's noise model. */
  noise: object | undefined,
): void {
  const exact = pubs.find(isExact);
  if (exact === undefined) return;
  if (noise !== undefined && Object.keys(noise).length > 0) {
    throw exactError(exact.index, 'a run with a noise model cannot give: its values are averages over sampled noise trajectories', 'Drop options.simulator.noise for exact values, or give a precision > 0.', {
      noise: Object.keys(noise),
    });
  }
  const sampling = steps.map((s) => s.definition.name).filter((name) => !EXACT_STEPS.has(name));
  if (sampling.length > 0) {
    throw exactError(
      exact.index,
      `the mitigation step${sampling.length > 1 ? 's' : ''} ${sampling.join(', ')} cannot give: ${sampling.length > 1 ? 'they run' : 'it runs'} sampled or randomized circuits whose error depends on shots`,
      'Use resilience_level 0 and no twirling/readout/ZNE options for exact values, or give a precision > 0.',
      { steps: sampling },
    );
  }
}
