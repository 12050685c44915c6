/** The built-in steps, in the order the options mapping composes them (select.ts explains why). */
import type { StepDefinition } from '../step.js';
import { ddStep } from './dd.js';
import { readoutStep } from './readout.js';
import { twirlingStep } from './twirling.js';
import { zneStep } from './zne.js';

;

export function builtinSteps(): StepDefinition[] {
  return [zneStep, readoutStep, twirlingStep, ddStep] as StepDefinition[];
}
