import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { checkCouplingMap, entryBase } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

/** The catalogue's `type` for Qiskit Aer run by the job's gateway through a Python worker. */
export const AER_TYPE = 'qiskit-aer';

const AER_METHODS = ['automatic', 'statevector', 'density_matrix', 'matrix_product_state', 'stabilizer', 'extended_stabilizer'] as const;
type AerMethod = (typeof AER_METHODS)[number];

const absolutePath = (what: string) =>
  z.string().refine((value) => isAbsolute(value) && !value.includes('\0'), { message: `must be the absolute path of ${what}` });

/** A Python class name in qiskit_ibm_runtime.fake_provider: `FakeManilaV2`, `FakeSherbrooke`, ... */
const FAKE_BACKEND_PATTERN = /^Fake[A-Za-z0-9_]{1,60}$/;

/**
 * Where the noise comes from: a NoiseModel saved with `json.dump(noise_model.to_dict(serializable=True))`,
 * or a device snapshot shipped with qiskit-ibm-runtime (its calibration becomes the noise model, its
 * qubit count and coupling map the backend's target unless `metadata` says otherwise).
 */
const aerNoiseSchema = z.union([
  z.object({ /** Absolute path of the NoiseModel JSON; read by the service user. */ file: absolutePath('a NoiseModel JSON file') }).strict(),
  z
    .object({
      /** Class name in qiskit_ibm_runtime.fake_provider (needs qiskit-ibm-runtime in `python`). */
      fake_backend: z.string().regex(FAKE_BACKEND_PATTERN, { message: 'must be a class name of qiskit_ibm_runtime.fake_provider, e.g. FakeManilaV2' }),
    })
    .strict(),
]);

type AerNoise = z.infer<typeof aerNoiseSchema>;

/**
 * Ranks of an MPI-distributed state vector (docs/admin-guide.md, "Qiskit Aer backend"): the worker is
 * started under `launcher`, rank 0 speaks to the gateway and hands each task to the other ranks.
 * Needs a qiskit-aer built with MPI (the PyPI wheels are not) and mpi4py in `python`.
 */
const aerMpiSchema = z
  .object({
    /**
     * The command that starts the ranks, put before the Python and the worker; `{job_id}` in any word
     * becomes the job's id (e.g. ["/usr/local/libexec/aer-mpirun", "{job_id}"], a site script that
     * runs mpirun on the job's nodes).
     */
    launcher: z.array(z.string().min(1)).min(1).refine((argv) => isAbsolute(argv[0] ?? ''), { message: 'the first word must be an absolute path' }),
    /** Aer's `blocking_qubits`: qubits of the state vector each rank holds (chunk size); required by Aer's MPI mode. */
    blocking_qubits: z.number().int().min(1).max(60),
  })
  .strict();

/**
 * A `qiskit-aer` entry: Qiskit Aer as a backend, for what the built-in engine does not do (device
 * noise models, matrix-product-state and stabilizer methods for wide circuits, GPU state vectors,
 * MPI). The gateway starts one long-lived Python worker per backend (src/backends/qiskit-aer/worker.py)
 * and runs every task of the job on it; Slurm counts the capacity like any QPU's.
 */
export const aerEntrySchema = z
  .object({
    ...entryBase,
    type: z.literal(AER_TYPE),
    /**
     * Absolute path of a Python that imports qiskit (≥ 1.3), qiskit-aer and qiskit-qasm3-import
     * (and qiskit-ibm-runtime for `noise.fake_backend`); the gateway's service user must be able to run it.
     */
    python: absolutePath('a Python interpreter'),
    /** Aer's simulation method. Default automatic (Aer picks per circuit). */
    method: z.enum(AER_METHODS).default('automatic'),
    /** CPU, or GPU (a qiskit-aer-gpu install on a node with a CUDA device). Default CPU. */
    device: z.enum(['CPU', 'GPU']).default('CPU'),
    /** Floating-point precision of the simulation. Default double. */
    precision: z.enum(['double', 'single']).default('double'),
    /** A noise model applied to every circuit; absent: noiseless. */
    noise: aerNoiseSchema.optional(),
    /** Threads Aer may use per task (0: all cores of the node). Default 0. */
    max_parallel_threads: z.number().int().min(0).max(4096).default(0),
    /** Distributed state vector across MPI ranks; absent: one process. */
    mpi: aerMpiSchema.optional(),
    /**
     * What the backend offers; optional: the worker reads it from Aer (the method's qubit limit for
     * this node's memory, and a fake backend's qubits and coupling map).
     */
    metadata: backendMetadataSchema.optional(),
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type AerEntry = z.infer<typeof aerEntrySchema>;

/** The entry's own fields as the gateway receives them (`GatewayBackend.settings`) and the worker reads them. */
export interface AerSettings {
  readonly python: string;
  readonly method: AerMethod;
  readonly device: 'CPU' | 'GPU';
  readonly precision: 'double' | 'single';
  readonly noise?: AerNoise | undefined;
  readonly max_parallel_threads: number;
  readonly mpi?: z.infer<typeof aerMpiSchema> | undefined;
}

/** The settings as the gateway was given them, checked again: the hook and gateway may be of different installs. */
export const aerSettingsSchema = z
  .object({
    python: absolutePath('a Python interpreter'),
    method: z.enum(AER_METHODS),
    device: z.enum(['CPU', 'GPU']),
    precision: z.enum(['double', 'single']),
    noise: aerNoiseSchema.optional(),
    max_parallel_threads: z.number().int().min(0),
    mpi: aerMpiSchema.optional(),
  })
  .loose();
