/**
 * The device's target from Pasqal's device specs (`GET /core-fast/api/v1/devices/specs`: device type
 * → Pulser's abstract repr of the device, as JSON text): what the pre-dispatch check needs (atoms,
 * runs, channels, the Pulser device name) and the `BackendMetadata` the gateway shows (`num_qubits` =
 * atoms, `max_shots` = runs). The catalogue's metadata, when given, caps both.
 */
import { QrunError } from '../../errors.js';
import type { BackendMetadata } from '../metadata.js';

export interface PasqalDevice {
  /** Pasqal's device type (FRESNEL). */
  readonly type: string;
  /** Pulser's name of the device (`Fresnel`), which a sequence written for it carries. */
  readonly name: string;
  readonly maxAtoms: number | null;
  readonly maxRuns: number | null;
  /** Channel ids the device offers (`rydberg_global`, ...). */
  readonly channels: readonly string[];
  readonly maxSequenceDurationNs: number | null;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function positive(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

function badSpecs(backend: string, why: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: Pasqal's device specs cannot be read as a target (${why})`, {
    hint: "Give the device's limits in the catalogue entry's metadata (num_qubits, max_shots) instead, and report it.",
    details: { backend },
  });
}

/** The device `type` of a `GET /devices/specs` reply's data, or VENDOR_REFUSED naming what Pasqal offers. */
export function deviceFromSpecs(data: unknown, type: string, backend: string): PasqalDevice {
  if (!isRecord(data)) throw badSpecs(backend, 'the reply is not a map of device types');
  const raw = data[type];
  if (raw === undefined) {
    throw new QrunError('VENDOR_REFUSED', `${backend}: Pasqal Cloud offers no device ${type} to this account (it offers ${Object.keys(data).join(', ') || 'none'})`, {
      hint: "Ask your admin to set the entry's device to one of the device types Pasqal offers.",
      details: { backend, device: type, offered: Object.keys(data) },
    });
  }
  let specs: unknown = raw;
  if (typeof raw === 'string') {
    try {
      specs = JSON.parse(raw);
    } catch {
      throw badSpecs(backend, `the specs of ${type} are not JSON`);
    }
  }
  if (!isRecord(specs) || typeof specs['name'] !== 'string') throw badSpecs(backend, `the specs of ${type} name no device`);
  const channels = Array.isArray(specs['channels']) ? specs['channels'].map((c) => (isRecord(c) && typeof c['id'] === 'string' ? c['id'] : '')).filter((id) => id !== '') : [];
  return {
    type,
    name: specs['name'],
    maxAtoms: positive(specs['max_atom_num']),
    maxRuns: positive(specs['max_runs']),
    channels,
    maxSequenceDurationNs: positive(specs['max_sequence_duration']),
  };
}

/** The catalogue's limits over the vendor's: the smaller of each. */
export function withCatalogueLimits(device: PasqalDevice, metadata: BackendMetadata | undefined): PasqalDevice {
  if (metadata === undefined) return device;
  const min = (a: number | null, b: number | undefined): number | null => (b === undefined ? a : a === null ? b : Math.min(a, b));
  return { ...device, maxAtoms: min(device.maxAtoms, metadata.num_qubits), maxRuns: min(device.maxRuns, metadata.max_shots) };
}

/** What `GET /v1/backends` shows of the device: atoms as qubits, runs as shots, no gates. */
export function deviceMetadata(device: PasqalDevice): BackendMetadata {
  return {
    num_qubits: device.maxAtoms ?? 1,
    basis_gates: [],
    ...(device.maxRuns === null ? {} : { max_shots: device.maxRuns }),
    max_experiments: 1,
  };
}

/** How long fetched specs are used before they are read again (specs change with calibrations, hours). */
const SPECS_TTL_MS = 10 * 60_000;

/** One fetch at a time, reused for `ttlMs`; a failed fetch is not cached. */
export function cachedDevice(fetch: () => Promise<PasqalDevice>, ttlMs: number = SPECS_TTL_MS, now: () => number = Date.now): () => Promise<PasqalDevice> {
  let cached: { value: PasqalDevice; at: number } | null = null;
  let pending: Promise<PasqalDevice> | null = null;
  return async () => {
    if (cached !== null && now() - cached.at < ttlMs) return cached.value;
    pending ??= fetch()
      .then((value) => {
        cached = { value, at: now() };
        return value;
      })
      .finally(() => {
        pending = null;
      });
    return pending;
  };
}
