/**
 * qiskit-ibm-runtime sends circuits as QPY (`{"__type__":"QuantumCircuit","__value__":"<base64 zlib
 * qpy>"}`); the project's primitives read OpenQASM. This turns every QPY circuit in a params object
 * into OpenQASM 3 through the pinned Python environment, once per job. Without an interpreter the
 * fake still serves OpenQASM-only clients; a QPY circuit is then refused with a message that says why.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./qpy_to_qasm3.py', import.meta.url));

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isQpy(value: unknown): value is { __type__: 'QuantumCircuit'; __value__: string } {
  return isRecord(value) && value['__type__'] === 'QuantumCircuit' && typeof value['__value__'] === 'string';
}

function collect(value: unknown, into: string[]): void {
  if (isQpy(value)) into.push(value.__value__);
  else if (Array.isArray(value)) value.forEach((v) => collect(v, into));
  else if (isRecord(value)) Object.values(value).forEach((v) => collect(v, into));
}

function replace(value: unknown, next: () => string): unknown {
  if (isQpy(value)) return next();
  if (Array.isArray(value)) return value.map((v) => replace(v, next));
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replace(v, next)]));
  return value;
}

function runPython(python: string, input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${python} ${SCRIPT} exited with ${code}: ${stderr.trim().slice(-2000)}`))));
    child.stdin.end(input);
  });
}

export class QpyError extends Error {}

/** `params` with every QPY circuit replaced by its OpenQASM 3 text. */
export async function qpyToQasm(params: unknown, python: string | undefined): Promise<unknown> {
  const encoded: string[] = [];
  collect(params, encoded);
  if (encoded.length === 0) return params;
  if (python === undefined) {
    throw new QpyError('this fake was started without a Python interpreter (option `python`), so it cannot read QPY circuits; send OpenQASM 3 strings instead');
  }
  const converted = JSON.parse(await runPython(python, JSON.stringify(encoded))) as { qasm?: string; error?: string }[];
  const failed = converted.find((c) => c.qasm === undefined);
  if (failed !== undefined) throw new QpyError(`a QPY circuit could not be read: ${failed.error ?? 'unknown error'}`);
  let i = 0;
  return replace(params, () => converted[i++]?.qasm ?? '');
}
