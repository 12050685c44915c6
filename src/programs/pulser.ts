/**
 * The parts of Pulser's abstract representation of a sequence (`Sequence.to_abstract_repr()`, JSON
 * schema version "1") that are checked here: enough to name a malformed field and to compare the
 * sequence with the device before anything is sent. Everything else is Pulser's to read, so unknown
 * keys pass through untouched (loose objects) and the sequence travels exactly as the user wrote it.
 */
import { z } from 'zod';

const qubitId = z.union([z.string().min(1), z.number().int()]);

/** A placed atom (`{name, x, y[, z]}`), or a trap of a mappable register (`{qid[, default_trap]}`). */
const atomSchema = z.union([
  z.looseObject({ name: qubitId, x: z.number(), y: z.number(), z: z.number().optional() }),
  z.looseObject({ qid: qubitId }),
]);

const deviceSchema = z.looseObject({
  /** Pulser's device name (`Fresnel`, `AnalogDevice`, ...). */
  name: z.string().min(1),
  max_atom_num: z.number().int().positive().nullable().optional(),
  max_runs: z.number().int().positive().nullable().optional(),
  channels: z.array(z.looseObject({ id: z.string().min(1) })).optional(),
  is_virtual: z.boolean().optional(),
});

export const pulserSequenceSchema = z.looseObject({
  version: z.string().min(1),
  name: z.string().optional(),
  /** One entry per atom, in the order results list them. */
  register: z.array(atomSchema).min(1, { message: 'must place at least one atom' }),
  device: deviceSchema,
  /** Channel name in the sequence → the device's channel id. */
  channels: z.record(z.string(), z.string().min(1)),
  /** Declared variables: name → {type, value}. */
  variables: z.record(z.string(), z.looseObject({ type: z.string() })),
  operations: z.array(z.looseObject({ op: z.string().min(1) })),
  measurement: z.string().nullable().optional(),
});

export type PulserSequence = z.infer<typeof pulserSequenceSchema>;

/** The atoms' ids in register order: the order of the characters of a result's bitstrings. */
export function atomIds(sequence: PulserSequence): string[] {
  return sequence.register.map((atom) => String('name' in atom ? atom.name : atom.qid));
}
