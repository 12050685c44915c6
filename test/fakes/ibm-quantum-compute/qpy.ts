/**
 * qiskit-ibm-runtime sends circuits as QPY (`{"__type__":"QuantumCircuit","__value__":"<base64 zlib
 * qpy>"}`); the project's primitives read OpenQASM. This turns every QPY circuit in a params object
 * into OpenQASM 3 through a Python converter (qpy_to_qasm3.py) that starts on first use and lives
 * until the fake closes. Without an interpreter the fake still serves OpenQASM-only clients; a QPY
 * circuit is then refused with a message that says why.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const SCRIPT = fileURLToPath(new URL('./qpy_to_qasm3.py', import.meta.url));

export class QpyError extends Error {}

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

interface Pending {
  resolve(line: string): void;
  reject(error: Error): void;
}

export class QpyConverter {
  private child: ChildProcessWithoutNullStreams | undefined;
  private readonly pending: Pending[] = [];
  private stderr = '';

  constructor(private readonly python: string | undefined) {}

  /** `params` with every QPY circuit replaced by its OpenQASM 3 text. */
  async toQasm(params: unknown): Promise<unknown> {
    const encoded: string[] = [];
    collect(params, encoded);
    if (encoded.length === 0) return params;
    if (this.python === undefined) {
      throw new QpyError('this fake was started without a Python interpreter (option `python`), so it cannot read QPY circuits; send OpenQASM 3 strings instead');
    }
    const converted = JSON.parse(await this.ask(JSON.stringify(encoded))) as { qasm?: string; error?: string }[];
    const failed = converted.find((c) => c.qasm === undefined);
    if (failed !== undefined) throw new QpyError(`a QPY circuit could not be read: ${failed.error ?? 'unknown error'}`);
    let i = 0;
    return replace(params, () => converted[i++]?.qasm ?? '');
  }

  close(): void {
    this.child?.kill();
    this.child = undefined;
  }

  private ask(line: string): Promise<string> {
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      child.stdin.write(`${line}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams {
    if (this.child !== undefined) return this.child;
    const python = this.python ?? 'python3';
    const child = spawn(python, [SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr = (this.stderr + chunk).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (answer) => this.pending.shift()?.resolve(answer));
    const fail = (why: string): void => {
      if (this.child === child) this.child = undefined;
      const error = new Error(`${python} ${SCRIPT} ${why}: ${this.stderr.trim()}`);
      for (const p of this.pending.splice(0)) p.reject(error);
    };
    child.on('error', (error) => fail(`could not start (${error.message})`));
    child.on('exit', (code, signal) => fail(`exited (${signal ?? String(code)})`));
    return child;
  }
}
