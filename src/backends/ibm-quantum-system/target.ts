/**
 * The device's target from the API: its Qiskit BackendConfiguration (qubits, basis, coupling map,
 * limits, dt) and, for gate durations, its BackendProperties. Read once per gateway and kept, since a
 * job's circuits are all checked against the same device, and the device's shape does not change
 * while a job runs (calibrations do, but nothing here depends on them).
 */
import { z } from 'zod';
import { QrunError } from '../../errors.js';
import { backendMetadataSchema, type BackendMetadata } from '../metadata.js';
import type { QsApi } from './api.js';

const configurationSchema = z
  .object({
    n_qubits: z.number().int().positive(),
    basis_gates: z.array(z.string()).optional(),
    coupling_map: z.array(z.array(z.number().int().nonnegative())).nullable().optional(),
    max_shots: z.number().int().positive().optional(),
    max_experiments: z.number().int().positive().optional(),
    dt: z.number().positive().optional(),
  })
  .loose();

const propertiesSchema = z
  .object({
    gates: z
      .array(
        z
          .object({
            gate: z.string(),
            parameters: z.array(z.object({ name: z.string(), value: z.number(), unit: z.string().optional() }).loose()),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();

const SECONDS_PER: Readonly<Record<string, number>> = { s: 1, ms: 1e-3, us: 1e-6, µs: 1e-6, ns: 1e-9, dt: Number.NaN };

/** The longest duration each gate has on any qubit: what a schedule must allow for. */
export function gateDurations(properties: unknown): Record<string, number> | undefined {
  const parsed = propertiesSchema.safeParse(properties);
  if (!parsed.success || parsed.data.gates === undefined) return undefined;
  const durations: Record<string, number> = {};
  for (const gate of parsed.data.gates) {
    const length = gate.parameters.find((p) => p.name === 'gate_length');
    if (length === undefined) continue;
    const seconds = length.value * (SECONDS_PER[length.unit ?? 's'] ?? Number.NaN);
    if (!Number.isFinite(seconds) || seconds < 0) continue;
    durations[gate.gate] = Math.max(durations[gate.gate] ?? 0, seconds);
  }
  return Object.keys(durations).length === 0 ? undefined : durations;
}

/** BackendConfiguration (+ properties) → the project's metadata; measure, reset and delay are not gates. */
export function metadataFromConfiguration(backend: string, configuration: unknown, properties?: unknown): BackendMetadata {
  const parsed = configurationSchema.safeParse(configuration);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the device's configuration cannot be read: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(), {
      hint: 'Give the device\'s metadata in the catalogue entry instead, and report the API\'s answer.',
      details: { backend },
    });
  }
  const config = parsed.data;
  const pairs = (config.coupling_map ?? []).filter((pair): pair is [number, number] => pair.length === 2);
  const durations = properties === undefined ? undefined : gateDurations(properties);
  const metadata: BackendMetadata = {
    num_qubits: config.n_qubits,
    ...(config.basis_gates === undefined ? {} : { basis_gates: config.basis_gates.filter((g) => !['measure', 'reset', 'delay'].includes(g)) }),
    ...(config.coupling_map === undefined || config.coupling_map === null ? {} : { coupling_map: pairs }),
    ...(config.max_shots === undefined ? {} : { max_shots: config.max_shots }),
    ...(config.max_experiments === undefined ? {} : { max_experiments: config.max_experiments }),
    ...(config.dt === undefined ? {} : { dt: config.dt }),
    ...(durations === undefined ? {} : { gate_durations: durations }),
  };
  // The same schema as a catalogue entry's: what the API says is held to what an admin may write.
  return backendMetadataSchema.parse(metadata);
}

export interface TargetCache {
  /** The catalogue's metadata when it gives one, otherwise the API's (read once). */
  metadata(api: QsApi, backend: string, fromCatalogue: BackendMetadata | undefined, signal?: AbortSignal): Promise<BackendMetadata>;
}

export function createTargetCache(): TargetCache {
  const known = new Map<string, Promise<BackendMetadata>>();
  return {
    metadata(api, backend, fromCatalogue, signal) {
      if (fromCatalogue !== undefined) return Promise.resolve(fromCatalogue);
      const key = `${backend}\u0000${api.device}`;
      let entry = known.get(key);
      if (entry === undefined) {
        entry = Promise.all([api.configuration(signal), api.properties(signal).catch(() => undefined)]).then(([configuration, properties]) =>
          metadataFromConfiguration(backend, configuration, properties),
        );
        // A failed read is not kept: the next task asks again.
        entry.catch(() => known.delete(key));
        known.set(key, entry);
      }
      return entry;
    },
  };
}
