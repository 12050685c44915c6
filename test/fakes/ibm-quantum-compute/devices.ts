/**
 * The devices the fake offers, and the documents IBM serves about each: the list entry
 * (`GET /backends`), the configuration and properties qiskit-ibm-runtime builds a Target from, and the
 * status. Shapes follow IBM's backend configuration/properties schemas and what
 * qiskit_ibm_runtime.utils.backend_decoder reads.
 */

export interface DeviceSpec {
  /** Backend name, e.g. `ibm_loopback`. */
  readonly name: string;
  readonly numQubits: number;
  /** Directed pairs; default: a line 0-1-…-(n-1), both directions. */
  readonly couplingMap?: readonly (readonly [number, number])[];
  /** Default: IBM Heron's `cz, id, rz, sx, x`. */
  readonly basisGates?: readonly string[];
  readonly processorFamily?: string;
  readonly processorRevision?: string;
  readonly maxShots?: number;
  readonly maxExperiments?: number;
  /** `active` (default), `paused` or `maintenance`; anything but active is not operational. */
  readonly status?: 'active' | 'paused' | 'maintenance';
  readonly queueLength?: number;
}

const DEFAULT_BASIS = ['cz', 'id', 'rz', 'sx', 'x'];
/** A fixed calibration date keeps documents stable between runs. */
const CALIBRATED = '2026-01-05T08:00:00+00:00';

export const DEFAULT_DEVICES: readonly DeviceSpec[] = [{ name: 'ibm_loopback', numQubits: 5 }];

export function couplingMapOf(device: DeviceSpec): [number, number][] {
  if (device.couplingMap !== undefined) return device.couplingMap.map(([a, b]) => [a, b]);
  const pairs: [number, number][] = [];
  for (let q = 0; q + 1 < device.numQubits; q++) pairs.push([q, q + 1], [q + 1, q]);
  return pairs;
}

function basisOf(device: DeviceSpec): string[] {
  return [...(device.basisGates ?? DEFAULT_BASIS)];
}

const GATE_DEFS: Record<string, { parameters: string[]; qasm_def: string; arity: 1 | 2 }> = {
  id: { parameters: [], qasm_def: 'gate id q { U(0, 0, 0) q; }', arity: 1 },
  rz: { parameters: ['theta'], qasm_def: 'gate rz(theta) q { U(0, 0, theta) q; }', arity: 1 },
  sx: { parameters: [], qasm_def: 'gate sx q { U(pi/2, 3*pi/2, pi/2) q; }', arity: 1 },
  x: { parameters: [], qasm_def: 'gate x q { U(pi, 0, pi) q; }', arity: 1 },
  rx: { parameters: ['theta'], qasm_def: 'gate rx(theta) q { U(theta, -pi/2, pi/2) q; }', arity: 1 },
  cz: { parameters: [], qasm_def: 'gate cz q0, q1 { h q1; cx q0, q1; h q1; }', arity: 2 },
  ecr: { parameters: [], qasm_def: 'gate ecr q0, q1 { rzx(pi/4) q0, q1; x q0; rzx(-pi/4) q0, q1; }', arity: 2 },
  cx: { parameters: [], qasm_def: 'gate cx q0, q1 { CX q0, q1; }', arity: 2 },
  rzz: { parameters: ['theta'], qasm_def: 'gate rzz(theta) q0, q1 { cx q0, q1; rz(theta) q1; cx q0, q1; }', arity: 2 },
};

function gateTargets(device: DeviceSpec, gate: string): number[][] {
  const arity = GATE_DEFS[gate]?.arity ?? 1;
  if (arity === 2) return couplingMapOf(device);
  return Array.from({ length: device.numQubits }, (_, q) => [q]);
}

export function configurationOf(device: DeviceSpec): Record<string, unknown> {
  const basis = basisOf(device);
  const n = device.numQubits;
  return {
    backend_name: device.name,
    backend_version: '1.0.0',
    n_qubits: n,
    basis_gates: basis,
    gates: basis.map((name) => ({
      name,
      parameters: GATE_DEFS[name]?.parameters ?? [],
      qasm_def: GATE_DEFS[name]?.qasm_def ?? `gate ${name} q { }`,
      coupling_map: gateTargets(device, name),
    })),
    local: false,
    simulator: false,
    conditional: false,
    open_pulse: false,
    memory: true,
    max_shots: device.maxShots ?? 100_000,
    max_experiments: device.maxExperiments ?? 300,
    coupling_map: couplingMapOf(device),
    dynamic_reprate_enabled: true,
    supported_instructions: [...basis, 'delay', 'measure', 'reset', 'if_else', 'for_loop', 'switch_case'],
    supported_features: ['qobj', 'parameters', 'qasm3'],
    rep_delay_range: [0.0, 500.0],
    default_rep_delay: 250.0,
    n_registers: 1,
    credits_required: true,
    online_date: '2025-06-01T00:00:00+00:00',
    description: `${n} qubit device (loopback fake)`,
    dt: 4.0,
    dtm: 4.0,
    processor_type: { family: device.processorFamily ?? 'Heron', revision: device.processorRevision ?? '2' },
    sample_name: `family: ${device.processorFamily ?? 'Heron'}, revision: ${device.processorRevision ?? '2'}`,
    meas_map: [Array.from({ length: n }, (_, q) => q)],
    meas_levels: [1, 2],
    timing_constraints: { acquire_alignment: 1, granularity: 1, min_length: 2, pulse_alignment: 1 },
    clops_h: 195_000,
    quantum_volume: null,
    url: 'None',
  };
}

function nduv(name: string, unit: string, value: number): Record<string, unknown> {
  return { date: CALIBRATED, name, unit, value };
}

export function propertiesOf(device: DeviceSpec): Record<string, unknown> {
  const qubits = Array.from({ length: device.numQubits }, () => [
    nduv('T1', 'us', 150),
    nduv('T2', 'us', 100),
    nduv('frequency', 'GHz', 4.8),
    nduv('anharmonicity', 'GHz', -0.31),
    nduv('readout_error', '', 0.01),
    nduv('prob_meas0_prep1', '', 0.012),
    nduv('prob_meas1_prep0', '', 0.008),
    nduv('readout_length', 'ns', 1560),
  ]);
  const gates = [...basisOf(device), 'reset'].flatMap((gate) =>
    (gate === 'reset' ? gateTargets(device, 'id') : gateTargets(device, gate)).map((qs) => ({
      qubits: qs,
      gate,
      parameters: [
        nduv('gate_error', '', qs.length === 2 ? 0.003 : gate === 'rz' ? 0 : 0.0003),
        nduv('gate_length', 'ns', qs.length === 2 ? 68 : gate === 'rz' ? 0 : gate === 'reset' ? 1560 : 24),
      ],
      name: `${gate}${qs.join('_')}`,
    })),
  );
  return {
    backend_name: device.name,
    backend_version: '1.0.0',
    last_update_date: CALIBRATED,
    qubits,
    gates,
    general: [],
    general_qlists: [],
  };
}

/** What `GET /backends/{name}/status` answers (qiskit-ibm-runtime maps `state` to `operational`). */
export function statusOf(device: DeviceSpec, pendingJobs: number): Record<string, unknown> {
  const status = device.status ?? 'active';
  return {
    backend_name: device.name,
    backend_version: '1.0.0',
    state: status === 'active',
    status,
    message: status === 'active' ? '' : `The device is ${status}.`,
    length_queue: (device.queueLength ?? 0) + pendingJobs,
  };
}

/** One entry of `GET /backends`' `devices` list. */
export function listEntryOf(device: DeviceSpec, pendingJobs: number): Record<string, unknown> {
  const status = device.status ?? 'active';
  return {
    name: device.name,
    status: { name: status === 'active' ? 'online' : status, reason: status === 'active' ? 'available' : status },
    qubits: device.numQubits,
    queue_length: (device.queueLength ?? 0) + pendingJobs,
    processor_type: { family: device.processorFamily ?? 'Heron', revision: device.processorRevision ?? '2' },
    clops: { type: 'clops_h', value: 195_000 },
    performance_metrics: { two_q_error_best: 0.003, two_q_error_layered: 0.005 },
    wait_time_seconds: { average: 1, p50: 1 },
    is_simulator: false,
  };
}

export function checkDevices(devices: readonly DeviceSpec[]): void {
  const names = new Set<string>();
  for (const d of devices) {
    if (typeof d.name !== 'string' || d.name === '') throw new Error('every device needs a name');
    if (names.has(d.name)) throw new Error(`device ${d.name} is listed twice`);
    names.add(d.name);
    if (!Number.isInteger(d.numQubits) || d.numQubits < 1) throw new Error(`device ${d.name}: numQubits must be a positive integer`);
    for (const [a, b] of couplingMapOf(d)) {
      if (!(a >= 0 && a < d.numQubits && b >= 0 && b < d.numQubits)) throw new Error(`device ${d.name}: coupling pair [${a}, ${b}] is outside its ${d.numQubits} qubits`);
    }
  }
}
