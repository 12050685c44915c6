/**
 * Running a vendor-native payload, for `qrun run`: the payload is checked here (so a bad field fails
 * before a job's gateway is asked), then sent as a `native` task to the job's gateway, which alone
 * holds the vendor's credential. Outside a QPU job only the built-in simulator exists, and it runs
 * gate circuits only: the refusal names the backend types that take the program.
 */
import { runNativeOnGateway } from '../backends/job-gateway/run.js';
import type { SamplerOutcome } from '../primitives/result-model.js';
import type { SelectedBackend } from '../primitives/select-backend.js';
import { SIM_BACKEND } from '../backends/sim/metadata.js';
import { parseNativePayload } from './envelope.js';
import { nativeUnsupported } from './kinds.js';

export interface NativeRunOptions {
  /** `qrun run --shots N`: in place of the payload's shots. */
  readonly shots?: number | undefined;
}

export async function runNative(raw: unknown, selected: SelectedBackend, options: NativeRunOptions = {}): Promise<SamplerOutcome> {
  const payload = parseNativePayload(raw);
  if (selected.kind === 'local') throw nativeUnsupported({ name: selected.name, type: SIM_BACKEND }, payload.program);
  // The payload travels as the user wrote it; the gateway parses it again, as every server must.
  return runNativeOnGateway(raw as Record<string, unknown>, selected, { shots: options.shots });
}
