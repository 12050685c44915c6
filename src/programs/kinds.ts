/**
 * Vendor-native programs: what `qrun run` sends when a device is not programmed with gate circuits
 * (an analog neutral-atom QPU takes pulse sequences). Each program names the backend types that run
 * it; every other backend refuses it with a coded error that says where it would run.
 *
 * A leaf module (it imports only the error catalogue), so the simulator's and every vendor's task
 * path may use it without loading a schema library or forming an import circle.
 */
import { QrunError } from '../errors.js';
import { primitiveUnsupported } from '../primitives/errors.js';

export const NATIVE_PROGRAMS = {
  /** Pulser's abstract representation of a sequence (pulser `Sequence.to_abstract_repr()`). */
  pulser: { types: ['pasqal-cloud'], what: 'a Pulser sequence (abstract representation)' },
} as const;

export type NativeProgram = keyof typeof NATIVE_PROGRAMS;

export const NATIVE_PROGRAM_NAMES = Object.keys(NATIVE_PROGRAMS) as NativeProgram[];

export function isNativeProgram(value: unknown): value is NativeProgram {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(NATIVE_PROGRAMS, value);
}

/** The program an envelope names, read without a schema (for refusals on paths that never parse it). */
export function programOf(params: Readonly<Record<string, unknown>>): string {
  const program = params['program'];
  return typeof program === 'string' ? program : 'unknown';
}

/** A backend that runs no vendor-native program (or not this one): says which types do. */
export function nativeUnsupported(backend: { readonly name: string; readonly type: string }, program: string): QrunError {
  const known = isNativeProgram(program) ? NATIVE_PROGRAMS[program].types : [];
  const where =
    known.length > 0
      ? `${program} programs run on backends of type ${known.join(', ')}`
      : `the vendor-native programs this version knows are ${NATIVE_PROGRAM_NAMES.map((p) => `${p} (${NATIVE_PROGRAMS[p].types.join(', ')})`).join(', ')}`;
  return new QrunError('NATIVE_PROGRAM_UNSUPPORTED', `backend ${backend.name} (type ${backend.type}) runs no vendor-native ${program} program: ${where}`, {
    hint: `Run gate circuits here with \`qrun sample\`/\`qrun estimate\`, or send the payload to a granted backend of type ${known.length > 0 ? known.join(', ') : 'that runs it'} with \`qrun run --backend NAME\` (\`qrun backends\` lists them).`,
    details: { backend: backend.name, type: backend.type, program, backend_types: [...known] },
  });
}

/** An analog backend asked for a Sampler/Estimator task. */
export function analogRefusal(backend: { readonly name: string; readonly type: string }, primitive: string, programs: readonly NativeProgram[]): QrunError {
  return primitiveUnsupported({
    backend,
    primitive,
    runs: `no ${primitive} gate circuits`,
    why: `it is an analog device programmed with ${programs.map((p) => NATIVE_PROGRAMS[p].what).join(' or ')}`,
    instead: `Send a vendor-native payload with \`qrun run\` ({"program": "${programs[0] ?? 'pulser'}", ...}; docs/user-guide.md), or run circuits on a gate-based backend.`,
    details: { programs: [...programs] },
  });
}
