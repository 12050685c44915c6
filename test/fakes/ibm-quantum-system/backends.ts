/**
 * The deployment's backends: status as the API spells it (online/offline/paused), reservation lock,
 * execution lanes, and the Qiskit-style configuration/properties documents that clients turn into a
 * Target (qrmi's `target()` reads both).
 */
export type BackendStatus = 'online' | 'offline' | 'paused';

export interface BackendSpec {
  readonly name: string;
  readonly status?: BackendStatus;
  readonly message?: string;
  readonly version?: string;
  readonly numQubits?: number;
  /** Execution lanes for the HPC workload manager (jobs that run at once). Default 2. */
  readonly lanes?: number;
  /** Jobs that may wait (status Queued) once every lane is busy; beyond that, 1232. Default 2. */
  readonly queue?: number;
  /** Locked by an active reservation: POST /v1/jobs answers 1233. */
  readonly locked?: boolean;
}

export interface FakeBackend {
  readonly name: string;
  status: BackendStatus;
  message: string | undefined;
  version: string;
  numQubits: number;
  lanes: number;
  queue: number;
  locked: boolean;
}

export const DEFAULT_BACKENDS: readonly BackendSpec[] = [
  { name: 'fake_fez', status: 'online', numQubits: 8, lanes: 2, queue: 2 },
  { name: 'fake_torino', status: 'paused', message: 'Calibration in progress', numQubits: 8 },
  { name: 'fake_kyiv', status: 'offline', message: 'Maintenance', numQubits: 8 },
];

export function makeBackend(spec: BackendSpec): FakeBackend {
  return {
    name: spec.name,
    status: spec.status ?? 'online',
    message: spec.message,
    version: spec.version ?? '1.0.0',
    numQubits: spec.numQubits ?? 8,
    lanes: spec.lanes ?? 2,
    queue: spec.queue ?? 2,
    locked: spec.locked ?? false,
  };
}

/** GET /v1/backends and /v1/backends/{name}: `locked` only for online backends, as the API documents. */
export function backendDocument(b: FakeBackend): Record<string, unknown> {
  return {
    name: b.name,
    status: b.status,
    version: b.version,
    ...(b.message !== undefined ? { message: b.message } : {}),
    ...(b.status === 'online' ? { locked: b.locked } : {}),
  };
}

const BASIS_GATES = ['cz', 'id', 'rz', 'sx', 'x'];

function linearCoupling(n: number): number[][] {
  const edges: number[][] = [];
  for (let q = 0; q + 1 < n; q++) edges.push([q, q + 1], [q + 1, q]);
  return edges;
}

export function configurationDocument(b: FakeBackend): Record<string, unknown> {
  const coupling = linearCoupling(b.numQubits);
  const qubits = [...Array(b.numQubits).keys()];
  return {
    backend_name: b.name,
    backend_version: b.version,
    n_qubits: b.numQubits,
    basis_gates: BASIS_GATES,
    supported_instructions: [...BASIS_GATES, 'measure', 'delay', 'reset'],
    gates: [
      ...['id', 'rz', 'sx', 'x'].map((name) => ({ name, parameters: name === 'rz' ? ['theta'] : [], qasm_def: '', coupling_map: qubits.map((q) => [q]) })),
      { name: 'cz', parameters: [], qasm_def: '', coupling_map: coupling },
    ],
    coupling_map: coupling,
    local: false,
    simulator: false,
    conditional: false,
    open_pulse: false,
    memory: true,
    max_shots: 100000,
    max_experiments: 300,
    meas_levels: [1, 2],
    dt: 5e-10,
    dtm: 5e-10,
    rep_times: [0.001],
    default_rep_delay: 250,
    rep_delay_range: [0, 500],
    dynamic_reprate_enabled: true,
    processor_type: { family: 'Heron', revision: 2 },
    online_date: '2024-01-01T00:00:00Z',
    description: 'slurm-qpu contract fake of an IBM Quantum System backend',
  };
}

export function propertiesDocument(b: FakeBackend, now: Date = new Date()): Record<string, unknown> {
  const date = now.toISOString();
  const qubits = [...Array(b.numQubits).keys()];
  const param = (name: string, value: number, unit: string): Record<string, unknown> => ({ date, name, unit, value });
  return {
    backend_name: b.name,
    backend_version: b.version,
    last_update_date: date,
    general: [],
    qubits: qubits.map(() => [param('T1', 150, 'us'), param('T2', 120, 'us'), param('frequency', 5.0, 'GHz'), param('readout_error', 0.01, ''), param('prob_meas0_prep1', 0.012, ''), param('prob_meas1_prep0', 0.008, ''), param('readout_length', 1560, 'ns')]),
    gates: [
      ...qubits.flatMap((q) =>
        ['id', 'rz', 'sx', 'x'].map((gate) => ({ gate, qubits: [q], name: `${gate}${q}`, parameters: [param('gate_error', gate === 'rz' ? 0 : 2.5e-4, ''), param('gate_length', gate === 'rz' ? 0 : 32, 'ns')] })),
      ),
      ...linearCoupling(b.numQubits).map(([a = 0, c = 0]) => ({ gate: 'cz', qubits: [a, c], name: `cz${a}_${c}`, parameters: [param('gate_error', 3e-3, ''), param('gate_length', 68, 'ns')] })),
    ],
  };
}

/** GET /v1/backends/{name}/lanes: the HPC side gets the fake's lanes, IBM's own queue none. */
export function lanesDocument(b: FakeBackend): Record<string, unknown> {
  return { hpc_workload_manager: { lanes: b.lanes }, ibm_quantum_compute: { lanes: 0 } };
}
