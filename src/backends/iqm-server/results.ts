/**
 * IQM Server's measurement results back into the circuit's own classical registers. IQM answers per
 * circuit `{key: [[bit per qubit of the key] per shot]}`; translate.ts recorded which clbit each
 * key's bits stand for, so every shot becomes the circuit's clbits (a clbit measured twice keeps the
 * later value, as in OpenQASM), and the registers are laid out as everywhere else in the project
 * (one register per `bit[n] c` of the circuit, Qiskit's DataBin fields).
 */
import type { Circuit } from '../../circuit/ir.js';
import { QrunError } from '../../errors.js';
import { bytesPerShot, copyRegister } from '../../primitives/bits.js';
import type { RegisterSamples, SamplerPubOutcome } from '../../primitives/result-model.js';
import type { Shape } from '../../primitives/shape.js';
import type { ShotMemory } from '../../sim/api.js';
import type { MeasurementKey } from './translate.js';

/** One circuit's results as IQM sends them: `results[key][shot][qubit]`. */
export type IqmMeasurements = Readonly<Record<string, readonly (readonly number[])[]>>;

function badResult(backend: string, jobId: string, message: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: the measurements of IQM job ${jobId} ${message}`, {
    hint: 'IQM Server sent results this version cannot read; report it with the job id.',
    details: { backend, job_id: jobId },
  });
}

/** One circuit's measurements as shot memory over its clbits. */
export function measurementsToMemory(
  results: IqmMeasurements,
  keys: readonly MeasurementKey[],
  numClbits: number,
  shots: number,
  where: { readonly backend: string; readonly jobId: string },
): ShotMemory {
  const width = Math.max(1, Math.ceil(numClbits / 8));
  const memory = new Uint8Array(shots * width);
  for (const { key, clbits } of keys) {
    const rows = results[key];
    if (rows === undefined) throw badResult(where.backend, where.jobId, `have no key ${key}`);
    if (rows.length !== shots) throw badResult(where.backend, where.jobId, `have ${rows.length} shots under ${key}, ${shots} were asked for`);
    rows.forEach((row, shot) => {
      clbits.forEach((clbit, i) => {
        const bit = row[i];
        if (bit !== 0 && bit !== 1) throw badResult(where.backend, where.jobId, `hold ${String(bit)} under ${key}, not a bit`);
        const at = shot * width + (clbit >> 3);
        memory[at] = bit === 1 ? (memory[at] ?? 0) | (1 << (clbit & 7)) : (memory[at] ?? 0) & ~(1 << (clbit & 7));
      });
    });
  }
  return { shots, numClbits, bytesPerShot: width, memory };
}

/** A PUB's outcome from the shot memory of each of its circuits (one per parameter set, C order). */
export function pubOutcome(circuit: Circuit, shape: Shape, shots: number, memories: readonly ShotMemory[]): SamplerPubOutcome {
  const registers = circuit.clbitRegisters.map((register): RegisterSamples => {
    const bytes = new Uint8Array(memories.length * shots * bytesPerShot(register.size));
    memories.forEach((memory, element) => copyRegister(memory, register, bytes, element * shots));
    return { name: register.name, numBits: register.size, shape, shots, bytes };
  });
  return { shape, shots, registers, metadata: { shots, circuit_metadata: {} } };
}
