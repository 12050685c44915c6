/**
 * A collected result, saved beside its record (mode 0600) so that `qrun result` answers again
 * without the backend: the result model in its wire form (sample bytes as base64), which loses
 * nothing the plain and Qiskit encoders need.
 */
import { readFile } from 'node:fs/promises';
import { outcomeFromWire, outcomeToWire } from '../backends/job-gateway/wire.js';
import type { PrimitiveOutcome } from '../primitives/result-model.js';
import { writePrivate } from './store.js';

const FORMAT = 'slurm-qpu.outcome/1';

export async function saveOutcome(path: string, outcome: PrimitiveOutcome): Promise<void> {
  await writePrivate(path, `${JSON.stringify({ format: FORMAT, outcome: outcomeToWire(outcome) })}\n`);
}

/** The saved outcome, or null when the file is gone or not one. */
export async function readSavedOutcome(path: string): Promise<PrimitiveOutcome | null> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(path, 'utf8'));
  } catch {
    return null;
  }
  const value = data as { format?: unknown; outcome?: unknown } | null;
  if (value?.format !== FORMAT) return null;
  return outcomeFromWire(value.outcome);
}
