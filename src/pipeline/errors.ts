/**
 * The pipeline's error: which step failed, in which phase, and what had been computed so far, so a
 * caller can still report the raw results of a run whose post-processing failed.
 */
import { QrunError, asQrunError } from '../errors.js';
import type { Batch, Results } from './types.js';

export type Phase = 'pre' | 'post';

export interface PartialState {
  /** The batch as the steps before the failing one left it. */
  readonly batch: Batch;
  /** Results as the later steps' post hooks left them; absent when execution had not run yet. */
  readonly results?: Results;
}

export class PipelineStepError extends QrunError {
  readonly step: string;
  readonly position: number;
  readonly phase: Phase;
  readonly partial: PartialState;

  constructor(step: string, position: number, phase: Phase, partial: PartialState, cause: unknown) {
    const inner = asQrunError(cause);
    super('PIPELINE_STEP_FAILED', `pipeline step "${step}" (position ${position}) failed in ${phase}: ${inner.message}`, {
      cause,
      hint:
        inner.hint ??
        (phase === 'post'
          ? 'The raw results are kept with the error; rerun without this step to get them, or fix its options.'
          : 'Nothing was executed; fix the step options or remove the step.'),
      details: {
        step,
        position,
        phase,
        cause_code: inner.code,
        has_results: partial.results !== undefined,
      },
    });
    this.step = step;
    this.position = position;
    this.phase = phase;
    this.partial = partial;
  }
}
