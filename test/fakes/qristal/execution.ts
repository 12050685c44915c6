/**
 * Running a circuit the way the device does: its native instructions (Qristal's XASM form) are read
 * by the fake's own parser, written as OpenQASM 3 and sampled on the project's simulator, and each
 * shot comes back as one bit per measurement index, as the device returns `data`.
 */
import { parseSamplerParams, runSampler } from '../../../src/index.js';

export type Model = 'QB-QDK2-CZ' | 'QB-QDK2-ACZ';

const ONE_QUBIT = /^(Rx|Ry)\(q\[(\d+)\],(-?\d+(?:\.\d+)?)\)$/;
const TWO_QUBIT = /^(CZ|ACZ)\(q\[(\d+)\],q\[(\d+)\]\)$/;
const IDENTITY = /^I\(q\[(\d+)\]\)$/;

/** The instruction as OpenQASM 3, or why the device refuses it. */
export function instructionToQasm(text: string, model: Model, qubits: number): { qasm: string } | { error: string } {
  const inRange = (...qs: number[]): string | null => {
    const bad = qs.find((q) => q >= qubits);
    return bad === undefined ? null : `qubit ${bad} does not exist (the device has ${qubits})`;
  };
  let m = ONE_QUBIT.exec(text);
  if (m !== null) {
    const q = Number(m[2]);
    return inRange(q) === null ? { qasm: `${(m[1] ?? '').toLowerCase()}(${m[3] ?? '0'}) q[${q}];` } : { error: inRange(q) ?? '' };
  }
  m = TWO_QUBIT.exec(text);
  if (m !== null) {
    const [a, b] = [Number(m[2]), Number(m[3])];
    const gate = m[1] ?? '';
    if (a === b) return { error: `${gate} needs two distinct qubits` };
    if (inRange(a, b) !== null) return { error: inRange(a, b) ?? '' };
    if ((gate === 'CZ') !== (model === 'QB-QDK2-CZ')) return { error: `${gate} is not a native gate of ${model}` };
    return { qasm: gate === 'CZ' ? `cz q[${a}], q[${b}];` : `x q[${a}]; cz q[${a}], q[${b}]; x q[${a}];` };
  }
  m = IDENTITY.exec(text);
  if (m !== null) return inRange(Number(m[1])) === null ? { qasm: `id q[${m[1] ?? 0}];` } : { error: inRange(Number(m[1])) ?? '' };
  return { error: `${JSON.stringify(text).slice(0, 80)} is not a native instruction of ${model} (Rx, Ry, ${model === 'QB-QDK2-CZ' ? 'CZ' : 'ACZ'}, I)` };
}

export function programOf(instructions: readonly string[], measure: readonly (readonly [number, number])[], qubits: number): string {
  const width = Math.max(1, ...measure.map(([, index]) => index + 1));
  const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";', `qubit[${qubits}] q;`, `bit[${width}] c;`, ...instructions];
  for (const [qubit, index] of measure) lines.push(`c[${index}] = measure q[${qubit}];`);
  return `${lines.join('\n')}\n`;
}

/** Samples the program; one array of bits (index order) per shot. */
export async function sample(program: string, indices: number, shots: number): Promise<number[][]> {
  if (indices === 0) return Array.from({ length: shots }, () => []);
  const outcome = await runSampler(parseSamplerParams({ pubs: [[program, null, shots]], version: 2 }), { env: {} });
  const register = outcome.pubs[0]?.registers[0];
  if (register === undefined) throw new Error('the simulator returned no register');
  const width = Math.ceil(register.numBits / 8);
  const out: number[][] = [];
  for (let s = 0; s < shots; s++) {
    const bits: number[] = [];
    for (let i = 0; i < indices; i++) bits.push(((register.bytes[s * width + width - 1 - Math.floor(i / 8)] ?? 0) >> (i % 8)) & 1);
    out.push(bits);
  }
  return out;
}
