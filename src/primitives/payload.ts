/**
 * Sampler/Estimator V2 params: the top-level schema, the optional `{program_id, parameters}` wrapper,
 * and each PUB's tuple form. This is the shape check only; binding parameters and observables to the
 * parsed circuit happens in prepare.ts.
 */
import { z } from 'zod';
import { QrunError } from '../errors.js';
import { isEnvelope, decodeEnvelopes, type PayloadPath } from './envelopes.js';
import { pubError, type PubField } from './errors.js';
import { parseObservables, type ObservableArray } from './observables.js';
import { estimatorOptionsSchema, samplerOptionsSchema, type EstimatorOptions, type SamplerOptions } from './options.js';
import { describe } from './shape.js';

export type PrimitiveKind = 'sampler' | 'estimator';

interface SamplerPubInput {
  readonly index: number;
  readonly circuit: string;
  /** As written (envelopes decoded); bound against the circuit's parameters later. */
  readonly parameterValues: unknown;
  readonly shots: number | undefined;
}

interface EstimatorPubInput {
  readonly index: number;
  readonly circuit: string;
  readonly observables: ObservableArray;
  readonly parameterValues: unknown;
  readonly precision: number | undefined;
}

export interface SamplerParams {
  readonly kind: 'sampler';
  readonly pubs: readonly SamplerPubInput[];
  readonly shots: number | undefined;
  readonly supportQiskit: boolean;
  readonly options: SamplerOptions;
}

export interface EstimatorParams {
  readonly kind: 'estimator';
  readonly pubs: readonly EstimatorPubInput[];
  readonly precision: number | undefined;
  readonly resilienceLevel: number | undefined;
  readonly supportQiskit: boolean;
  readonly options: EstimatorOptions;
}

const version = z.literal(2, {
  error: (issue) => (issue.input === undefined ? 'is required and must be 2 (Qiskit primitives V2)' : `must be 2 (Qiskit primitives V2), got ${JSON.stringify(issue.input)}`),
});

/**
 * The project's own sentence for a top-level field, whatever zod found wrong with it (missing,
 * wrong type, out of range): what the field must be, then what it is.
 */
function expected(what: string): { error: (issue: { input?: unknown }) => string } {
  return { error: (issue) => (issue.input === undefined ? `is required: ${what}` : `must be ${what}, got ${describe(issue.input)}`) };
}

const SAMPLER_PUB = '[circuit, parameter values?, shots?]';
const ESTIMATOR_PUB = '[circuit, observables, parameter values?, precision?]';

function pubsSchema(form: string): z.ZodType<unknown[]> {
  return z.array(z.unknown(), expected(`a list of PUBs, each ${form}`)).min(1, `must hold at least one PUB ${form}`);
}

const shotsSchema = z.number(expected('a positive integer (the shots of every PUB that gives none) or null')).int(expected('a positive integer (the shots of every PUB that gives none) or null')).positive(expected('a positive integer (the shots of every PUB that gives none) or null'));
const precisionText = 'a number ≥ 0 (the target standard error of every PUB that gives none; 0: exact values) or null';
const supportQiskit = z.boolean(expected('true or false'));

const samplerParamsSchema = z
  .object({
    pubs: pubsSchema(SAMPLER_PUB),
    version,
    /** Shots for every PUB that gives none. */
    shots: shotsSchema.nullish(),
    support_qiskit: supportQiskit.optional(),
    options: samplerOptionsSchema.optional(),
  })
  .strict();

const estimatorParamsSchema = z
  .object({
    pubs: pubsSchema(ESTIMATOR_PUB),
    version,
    /** Target precision (standard error) for every PUB that gives none; 0: exact values (simulator). */
    precision: z.number(expected(precisionText)).nonnegative(expected(precisionText)).nullish(),
    resilience_level: z.number(expected('0, 1 or 2')).int(expected('0, 1 or 2')).min(0, expected('0, 1 or 2')).max(2, expected('0, 1 or 2')).optional(),
    support_qiskit: supportQiskit.optional(),
    options: estimatorOptionsSchema.optional(),
  })
  .strict();

/** One line per issue, each starting with the field's path. */
function zodMessage(error: z.ZodError, prefix: string, fields: string): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
      const where = `${prefix}${path}`.replace(/^\./, '');
      if (issue.code === 'unrecognized_keys') {
        const known = where === '' ? ` (params hold ${fields})` : '';
        return `${where || 'params'}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}${known}`;
      }
      return `${where || 'params'}: ${issue.message}`;
    })
    .join('; ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const PROGRAM_FOR_COMMAND: Record<PrimitiveKind, string> = { sampler: 'qrun sample', estimator: 'qrun estimate' };

/** Strips the `{program_id, parameters}` wrapper of the IBM Slurm plugin's task runner, checking program_id. */
function unwrap(payload: unknown, kind: PrimitiveKind): unknown {
  if (!isRecord(payload) || !('program_id' in payload)) return payload;
  const programId = payload['program_id'];
  if (programId !== 'sampler' && programId !== 'estimator') {
    throw new QrunError('PAYLOAD_INVALID', `program_id must be "sampler" or "estimator", got ${JSON.stringify(programId)}`);
  }
  if (programId !== kind) {
    throw new QrunError('PAYLOAD_PROGRAM_MISMATCH', `the payload is for the ${programId}, but \`${PROGRAM_FOR_COMMAND[kind]}\` runs the ${kind}`, {
      hint: `Run it with \`${PROGRAM_FOR_COMMAND[programId]}\`.`,
      details: { program_id: programId, expected: kind },
    });
  }
  // `parameters` is the task runner's name; `params` is the Qiskit Runtime REST body's.
  const inner = payload['parameters'] ?? payload['params'];
  if (inner === undefined) throw new QrunError('PAYLOAD_INVALID', 'the payload has a program_id but no "parameters" object');
  return inner;
}

function checkCircuit(raw: unknown, index: number): string {
  if (typeof raw === 'string') {
    if (raw.trim() === '') throw pubError('PAYLOAD_INVALID', index, 'circuit', 'is an empty string');
    return raw;
  }
  if (isEnvelope(raw, 'QuantumCircuit')) {
    // qiskit-ibm-runtime's RuntimeEncoder writes circuits as QPY, a binary format tied to Qiskit's version.
    throw pubError('PAYLOAD_INVALID', index, 'circuit', 'is a QPY-encoded QuantumCircuit, which this project does not read', {
      hint: 'Put the OpenQASM 3 text in the PUB instead of the circuit object: qiskit.qasm3.dumps(circuit), e.g. pubs=[(qiskit.qasm3.dumps(circuit), observables, values)].',
    });
  }
  throw pubError('PAYLOAD_INVALID', index, 'circuit', `is ${describe(raw)}, expected an OpenQASM 3 or 2 string`);
}

function pubTuple(raw: unknown, index: number, kind: PrimitiveKind): unknown[] {
  // Qiskit accepts a bare circuit as a sampler PUB; so do we.
  if (kind === 'sampler' && typeof raw === 'string') return [raw];
  if (!Array.isArray(raw)) throw pubError('PAYLOAD_INVALID', index, 'pub', `is ${describe(raw)}, expected a list`);
  const max = kind === 'sampler' ? 3 : 4;
  const form = kind === 'sampler' ? '[circuit, parameter_values?, shots?]' : '[circuit, observables, parameter_values?, precision?]';
  if (raw.length === 0 || raw.length > max) {
    throw pubError('PAYLOAD_INVALID', index, 'pub', `has ${raw.length} elements, expected ${form}`);
  }
  return raw;
}

function samplerPub(raw: unknown, index: number): SamplerPubInput {
  const [circuit, parameterValues, shots] = pubTuple(raw, index, 'sampler');
  if (shots !== undefined && shots !== null && !(typeof shots === 'number' && Number.isInteger(shots) && shots > 0)) {
    throw pubError('PAYLOAD_INVALID', index, 'shots', `is ${describe(shots)}, expected a positive integer or null`);
  }
  return { index, circuit: checkCircuit(circuit, index), parameterValues, shots: shots ?? undefined };
}

function estimatorPub(raw: unknown, index: number): EstimatorPubInput {
  const tuple = pubTuple(raw, index, 'estimator');
  const [circuit, observables, parameterValues, precision] = tuple;
  if (tuple.length < 2) {
    throw pubError('PAYLOAD_INVALID', index, 'observables', 'are missing: an estimator PUB is [circuit, observables, parameter_values?, precision?]');
  }
  if (precision !== undefined && precision !== null && !(typeof precision === 'number' && Number.isFinite(precision) && precision >= 0)) {
    throw pubError('PAYLOAD_INVALID', index, 'precision', `is ${describe(precision)}, expected a number ≥ 0 (0: exact values) or null`);
  }
  const checkedCircuit = checkCircuit(circuit, index);
  let parsed: ObservableArray;
  try {
    parsed = parseObservables(observables);
  } catch (error) {
    if (error instanceof QrunError) throw pubError(error.code, index, 'observables', error.message, { ...(error.hint ? { hint: error.hint } : {}) });
    throw error;
  }
  return { index, circuit: checkedCircuit, observables: parsed, parameterValues, precision: precision ?? undefined };
}

function checkParams<T>(schema: z.ZodObject & z.ZodType<T>, raw: unknown): T {
  if (!isRecord(raw)) throw new QrunError('PAYLOAD_INVALID', `params must be a JSON object, got ${describe(raw)}`);
  const result = schema.safeParse(raw);
  if (!result.success) {
    throw new QrunError('PAYLOAD_INVALID', zodMessage(result.error, '', Object.keys(schema.shape).join(', ')), {
      hint: 'See docs/user-guide.md for the Sampler/Estimator V2 payload format.',
    });
  }
  return result.data;
}

/** One step of a path inside a PUB field: `[2]`, or a BindingsArray key as the parameters it binds. */
function describeStep(step: string | number): string {
  if (typeof step === 'number') return `[${step}]`;
  try {
    const names: unknown = JSON.parse(step);
    if (Array.isArray(names) && names.every((n) => typeof n === 'string')) return ` (parameter${names.length === 1 ? '' : 's'} ${names.join(', ')})`;
  } catch {
    // Not a list of names: shown as the key it is.
  }
  return `.${step}`;
}

/** The fields of a PUB tuple, by position. */
const PUB_FIELDS: Record<PrimitiveKind, readonly PubField[]> = {
  sampler: ['circuit', 'parameter_values', 'shots'],
  estimator: ['circuit', 'observables', 'parameter_values', 'precision'],
};

/**
 * Decodes the RuntimeEncoder's envelopes; a value that does not decode is named by where it sits:
 * the PUB and its field, then the rest of the path (which parameter names, which observable).
 */
function decodePayload(raw: unknown, kind: PrimitiveKind): unknown {
  try {
    return decodeEnvelopes(raw);
  } catch (error) {
    const path = error instanceof QrunError ? (error.details?.['path'] as PayloadPath | undefined) : undefined;
    if (!(error instanceof QrunError) || path === undefined) throw error;
    const options = { ...(error.hint === undefined ? {} : { hint: error.hint }), cause: error, details: { ...error.details } };
    const [top, pub, position, ...rest] = path;
    if (top === 'pubs' && typeof pub === 'number') {
      const field = typeof position === 'number' ? (PUB_FIELDS[kind][position] ?? 'pub') : 'pub';
      throw new QrunError(error.code, `pubs[${pub}] ${field}${rest.map(describeStep).join('')}: ${error.message}`, {
        ...options,
        details: { ...options.details, pub, field },
      });
    }
    const where = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${p}`)).join('');
    throw new QrunError(error.code, `${where === '' ? 'params' : where}: ${error.message}`, options);
  }
}

export function parseSamplerParams(payload: unknown): SamplerParams {
  const raw = decodePayload(unwrap(payload, 'sampler'), 'sampler');
  const params = checkParams(samplerParamsSchema, raw);
  return {
    kind: 'sampler',
    pubs: params.pubs.map(samplerPub),
    shots: params.shots ?? undefined,
    supportQiskit: params.support_qiskit ?? false,
    options: params.options ?? {},
  };
}

export function parseEstimatorParams(payload: unknown): EstimatorParams {
  const raw = decodePayload(unwrap(payload, 'estimator'), 'estimator');
  const params = checkParams(estimatorParamsSchema, raw);
  return {
    kind: 'estimator',
    pubs: params.pubs.map(estimatorPub),
    precision: params.precision ?? undefined,
    resilienceLevel: params.resilience_level,
    supportQiskit: params.support_qiskit ?? false,
    options: params.options ?? {},
  };
}

