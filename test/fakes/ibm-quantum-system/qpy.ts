/**
 * QPY circuits (`{"__type__": "QuantumCircuit", "__value__": ...}`, what qiskit-ibm-runtime's
 * RuntimeEncoder writes) become OpenQASM 3 through the pinned venv's Qiskit, in one Python run per
 * job. Payloads without QPY never start Python.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecord } from './http.js';

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'qpy_to_qasm3.py');

function isCircuitEnvelope(value: unknown): boolean {
  return isRecord(value) && value['__type__'] === 'QuantumCircuit' && '__value__' in value;
}

/** Where circuits sit in V2 params: a bare sampler PUB, or the first element of a PUB tuple. */
function circuitSlots(params: Record<string, unknown>): { pubIndex: number; inTuple: boolean; envelope: unknown }[] {
  const pubs = params['pubs'];
  if (!Array.isArray(pubs)) return [];
  const slots: { pubIndex: number; inTuple: boolean; envelope: unknown }[] = [];
  pubs.forEach((pub: unknown, pubIndex) => {
    if (isCircuitEnvelope(pub)) slots.push({ pubIndex, inTuple: false, envelope: pub });
    else if (Array.isArray(pub) && isCircuitEnvelope(pub[0])) slots.push({ pubIndex, inTuple: true, envelope: pub[0] });
  });
  return slots;
}

export function hasQpyCircuits(params: unknown): boolean {
  return isRecord(params) && circuitSlots(params).length > 0;
}

function runPython(python: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`QPY conversion failed (exit ${String(code)}): ${stderr.trim().slice(-800)}`))));
    child.stdin.end(input);
  });
}

/** A copy of params with every QPY circuit replaced by its OpenQASM 3 text. */
export async function convertQpyCircuits(params: unknown, python: () => string): Promise<unknown> {
  if (!isRecord(params)) return params;
  const slots = circuitSlots(params);
  if (slots.length === 0) return params;
  const qasm = JSON.parse(await runPython(python(), JSON.stringify(slots.map((s) => s.envelope)))) as unknown;
  if (!Array.isArray(qasm) || qasm.length !== slots.length) throw new Error('QPY conversion returned the wrong number of circuits');
  const pubs = [...(params['pubs'] as unknown[])];
  slots.forEach((slot, i) => {
    const text = qasm[i] as unknown;
    pubs[slot.pubIndex] = slot.inTuple ? [text, ...(pubs[slot.pubIndex] as unknown[]).slice(1)] : text;
  });
  return { ...params, pubs };
}
