/**
 * The envelope of a vendor-native payload (`qrun run payload.json`): the program it holds names how
 * the rest reads, so programs of other vendors fit beside Pulser's later as one more member of the
 * union.
 *
 *   {"program": "pulser", "sequence": <abstract repr, object or its JSON text>, "shots": 100,
 *    "variables": {"omega": 3.1}}
 *
 * One zod schema per program; a failure names every bad field.
 */
import { z } from 'zod';
import { QrunError } from '../errors.js';
import { NATIVE_PROGRAM_NAMES } from './kinds.js';
import { pulserSequenceSchema, type PulserSequence } from './pulser.js';

/** Most shots (Pasqal: runs) one payload may ask for; a device's own limit is checked against its specs. */
export const MAX_NATIVE_SHOTS = 1_000_000;

const shotsSchema = z
  .number({ message: 'must be a number of shots' })
  .int({ message: 'must be a whole number of shots' })
  .min(1, { message: 'must be at least 1' })
  .max(MAX_NATIVE_SHOTS, { message: `must be at most ${MAX_NATIVE_SHOTS}` });

/** Pulser's sequence as an object, or as the JSON text `to_abstract_repr()` returns. */
const sequenceField = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}, pulserSequenceSchema);

const variableValue = z.union([z.number().finite(), z.array(z.number().finite()).min(1)]);

const pulserEnvelope = z
  .object({
    program: z.literal('pulser'),
    $comment: z.string().optional(),
    sequence: sequenceField,
    shots: shotsSchema,
    /** Values for the sequence's declared variables (a parametrized sequence); default: their declared values. */
    variables: z.record(z.string(), variableValue).optional(),
  })
  .strict()
  .superRefine((payload, ctx) => {
    const declared = payload.sequence.variables;
    for (const name of Object.keys(payload.variables ?? {})) {
      if (!Object.prototype.hasOwnProperty.call(declared, name)) {
        ctx.addIssue({ code: 'custom', path: ['variables', name], message: `the sequence declares no variable ${name} (declared: ${Object.keys(declared).join(', ') || 'none'})` });
      }
    }
  });

export interface PulserPayload {
  readonly program: 'pulser';
  readonly sequence: PulserSequence;
  readonly shots: number;
  readonly variables: Readonly<Record<string, number | readonly number[]>> | undefined;
}

export type NativePayload = PulserPayload;

const FORM = 'A vendor-native payload is {"program": "pulser", "sequence": <Pulser abstract repr>, "shots": N[, "variables": {...}]} (docs/user-guide.md, "Vendor-native programs").';

function invalid(problems: readonly { path: string; message: string }[]): QrunError {
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
  return new QrunError('NATIVE_PAYLOAD_INVALID', `the vendor-native payload is invalid:\n${lines}`, { hint: FORM, details: { problems } });
}

function pathOf(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}

/** Checks a payload; throws NATIVE_PAYLOAD_INVALID listing every bad field. */
export function parseNativePayload(value: unknown): NativePayload {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid([{ path: '(root)', message: 'expected a JSON object' }]);
  const program = (value as Record<string, unknown>)['program'];
  if (program !== 'pulser') {
    throw invalid([
      {
        path: 'program',
        message: `${program === undefined ? 'missing' : `${JSON.stringify(program)} is not a program this version knows`}: expected one of ${NATIVE_PROGRAM_NAMES.map((p) => JSON.stringify(p)).join(', ')}`,
      },
    ]);
  }
  const parsed = pulserEnvelope.safeParse(value);
  if (!parsed.success) throw invalid(parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message })));
  const { sequence, shots, variables } = parsed.data;
  return { program: 'pulser', sequence, shots, variables };
}

/** The payload with `qrun run --shots N` in place of its own shots. */
export function withShots(payload: NativePayload, shots: number | undefined): NativePayload {
  return shots === undefined ? payload : { ...payload, shots };
}
