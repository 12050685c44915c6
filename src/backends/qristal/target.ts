/**
 * The device's target from `GET api/v1/native-gates`: the native gates it lists must include the
 * model's (Rx, Ry and CZ or ACZ), and its qubit count and shot limit become the catalogue's metadata
 * fields. The circuit-fit check then sees every gate this backend rewrites into native ones as the
 * basis, so a circuit is refused only for what cannot be rewritten. Cached like IBM's target.
 */
import { QrunError } from '../../errors.js';
import { backendMetadataSchema, type BackendMetadata } from '../metadata.js';
import { TRANSLATED_GATES } from './decompose.js';
import type { QristalModel } from './schema.js';

export { cachedTarget } from '../ibm-quantum-compute-service/target.js';

/** The native gates each model needs, as the device names them. */
const MODEL_GATES: Readonly<Record<QristalModel, readonly string[]>> = {
  'QB-QDK2-CZ': ['rx', 'ry', 'cz'],
  'QB-QDK2-ACZ': ['rx', 'ry', 'acz'],
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function noTarget(backend: string, why: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the device's native-gates reply cannot be read as a target (${why})`, {
    hint: "Give the device's metadata (num_qubits, max_shots) in the catalogue entry instead; it then overrides the device's.",
    details: { backend },
  });
}

export function nativeGatesToMetadata(reply: unknown, model: QristalModel, backend: string): BackendMetadata {
  const body = isRecord(reply) ? reply : { native_gates: reply };
  const listed = body['native_gates'];
  if (!Array.isArray(listed)) throw noTarget(backend, 'no native_gates list');
  const names = new Set(listed.map((g) => String(g).toLowerCase()));
  const missing = MODEL_GATES[model].filter((g) => !names.has(g));
  if (missing.length > 0) {
    throw new QrunError('CONFIG_INVALID', `${backend}: the device lists native gates ${[...names].join(', ')}, without ${missing.join(', ')} that model ${model} needs`, {
      hint: "Set the entry's model to the device's (QB-QDK2-CZ for Rx, Ry, CZ; QB-QDK2-ACZ for Rx, Ry, ACZ).",
      details: { backend, model, native_gates: [...names] },
    });
  }
  const parsed = backendMetadataSchema.safeParse({
    num_qubits: body['qubits'] ?? body['num_qubits'],
    basis_gates: [...TRANSLATED_GATES],
    ...(typeof body['max_shots'] === 'number' ? { max_shots: body['max_shots'] } : {}),
  });
  if (!parsed.success) throw noTarget(backend, `${parsed.error.issues[0]?.path.join('.') ?? ''}: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
