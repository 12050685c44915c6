import { z } from 'zod';

/**
 * What a backend offers, in the field names of IBM's backend configuration where one exists. The
 * catalogue carries it per backend; the circuit-fit check and the gateway read it. Everything is
 * optional except the qubit count: an absent field means "no limit of that kind".
 */
export const backendMetadataSchema = z
  .object({
    /** Number of physical qubits. */
    num_qubits: z.number().int().positive(),
    /** Native gate names (OpenQASM names, lower case). Absent: any standard gate. */
    basis_gates: z.array(z.string().min(1)).optional(),
    /** Directed pairs [control, target] a 2-qubit gate may act on. Absent: all-to-all. */
    coupling_map: z.array(z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()])).optional(),
    /** Most shots one PUB may ask for. */
    max_shots: z.number().int().positive().optional(),
    /** Most circuits (PUB × parameter sets) one task may carry. */
    max_experiments: z.number().int().positive().optional(),
    /** Gate durations in seconds by gate name, for dynamical decoupling and scheduling. */
    gate_durations: z.record(z.string(), z.number().nonnegative()).optional(),
    /** Device tick in seconds (`delay[100dt]`). */
    dt: z.number().positive().optional(),
  })
  .strict();

export type BackendMetadata = z.infer<typeof backendMetadataSchema>;
