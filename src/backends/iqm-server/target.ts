/**
 * The quantum computer as the fit check and the translator need it: its qubit names (device index k
 * is the static architecture's k-th qubit), the pairs a CZ is calibrated on (the dynamic architecture
 * of the calibration set the jobs use; the static connectivity when it has no CZ), and the limits and
 * health from its details. Read together and kept for `metadata_ttl_secs`: calibrations change a few
 * times a day, and a job's tasks should not each pay three calls for them.
 */
import { QrunError } from '../../errors.js';
import { backendMetadataSchema, type BackendMetadata } from '../metadata.js';
import type { DynamicArchitecture, IqmApi, QuantumComputerDetails, StaticArchitecture } from './api.js';
import { TRANSLATED_GATES } from './decompose.js';

export interface IqmTarget {
  readonly metadata: BackendMetadata;
  /** Device qubit names by index. */
  readonly qubitNames: readonly string[];
  readonly calibrationSetId: string;
  readonly healthy: boolean;
  readonly operationalStatus: string | undefined;
}

function couplingFrom(qubits: readonly string[], pairs: readonly (readonly string[])[]): [number, number][] {
  const index = new Map(qubits.map((name, i) => [name, i]));
  const seen = new Set<string>();
  const out: [number, number][] = [];
  for (const pair of pairs) {
    if (pair.length !== 2) continue;
    const a = index.get(pair[0] ?? '');
    const b = index.get(pair[1] ?? '');
    // Pairs with a computational resonator need MOVE gates, which this backend does not send.
    if (a === undefined || b === undefined) continue;
    const key = a < b ? `${a},${b}` : `${b},${a}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([a, b]);
  }
  return out;
}

export function targetFrom(backend: string, sqa: StaticArchitecture, dqa: DynamicArchitecture, details: QuantumComputerDetails): IqmTarget {
  const qubits = sqa.qubits;
  if (qubits.length === 0) {
    throw new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IQM Server's static architecture lists no qubits`, { hint: 'Give the metadata in the catalogue entry, and report it.', details: { backend } });
  }
  const czLoci = Object.values(dqa.gates['cz']?.implementations ?? {}).flatMap((impl) => impl.loci);
  const coupling = couplingFrom(qubits, czLoci.length > 0 ? czLoci : sqa.connectivity);
  const limits = details.limits ?? undefined;
  const metadata = backendMetadataSchema.parse({
    num_qubits: qubits.length,
    basis_gates: [...TRANSLATED_GATES],
    coupling_map: coupling,
    ...(limits?.max_shots_per_circuit == null ? {} : { max_shots: limits.max_shots_per_circuit }),
    ...(limits?.max_circuits_per_job == null ? {} : { max_experiments: limits.max_circuits_per_job }),
  });
  return {
    metadata,
    qubitNames: qubits,
    calibrationSetId: dqa.calibration_set_id,
    healthy: details.health?.healthy ?? details.operational ?? true,
    operationalStatus: details.operational_status,
  };
}

export interface TargetCache {
  /** The target, read at most once per TTL (concurrent callers share one read). */
  get(api: IqmApi, backend: string, calibrationSet: string | undefined, signal?: AbortSignal): Promise<IqmTarget>;
}

export function createTargetCache(ttlMs: number, now: () => number = Date.now): TargetCache {
  const known = new Map<string, { at: number; value: Promise<IqmTarget> }>();
  return {
    get(api, backend, calibrationSet, signal) {
      const key = `${backend}\u0000${api.device}\u0000${calibrationSet ?? 'default'}`;
      const entry = known.get(key);
      if (entry !== undefined && now() - entry.at < ttlMs) return entry.value;
      const value = Promise.all([api.staticArchitecture(signal), api.dynamicArchitecture(calibrationSet ?? 'default', signal), api.details(signal)]).then(([sqa, dqa, details]) =>
        targetFrom(backend, sqa, dqa, details),
      );
      // A failed read is not kept: the next task asks again.
      value.catch(() => known.delete(key));
      known.set(key, { at: now(), value });
      return value;
    },
  };
}

/** The refusal when the server says the device is not healthy or not operational. */
export function notHealthy(backend: string, device: string, status: string | undefined): QrunError {
  const why = status === undefined ? '' : ` (${status})`;
  return new QrunError('DEVICE_NOT_ACCEPTING', `${backend}: IQM Server reports ${device} not healthy${why}; it accepts no jobs now`, {
    hint: 'Submit again when the quantum computer is back (IQM Resonance shows its status), or request another backend (qrun backends).',
    details: { backend, device, ...(status === undefined ? {} : { operational_status: status }) },
  });
}
