/**
 * Turns a Circuit plus parameter values into a Program: a flat list of instructions the runner
 * executes. Parameters are bound here, gate matrices are built once, barriers and delays disappear
 * (they have no effect on an ideal or gate-noise simulation), and single-qubit gates are fused
 * (fusion.ts) unless gate noise needs every gate to stay separate.
 */
import { evalExpr, isStandardGate, STANDARD_GATES, type Circuit, type Op } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { NoiseModel } from './api.js';
import { gateMatrix, structureOf } from './gates.js';
import { compactKnownQubits } from './compact.js';
import { fuse } from './fusion.js';
import type { BoundOp, Instr } from './instr.js';

export type {   Instr } from './instr.js';

export interface Program {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly instrs: readonly Instr[];
}

function malformed(message: string): QrunError {
  return new QrunError('INTERNAL', `malformed circuit IR: ${message}`, {
    hint: 'The circuit producer (parser or client) built an invalid circuit; please report it.',
  });
}

/** Maps parameter names to values, checking the count and that every value is a finite number. */
function bindings(circuit: Circuit, values: readonly number[]): Map<string, number> {
  if (values.length !== circuit.parameters.length) {
    throw new QrunError(
      'OPTION_INVALID',
      `the circuit has ${circuit.parameters.length} parameter(s) but ${values.length} value(s) were given`,
      { details: { parameters: circuit.parameters, values: values.length } },
    );
  }
  const map = new Map<string, number>();
  circuit.parameters.forEach((name, i) => {
    const v = values[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new QrunError('OPTION_INVALID', `parameter ${name} has a non-finite value ${String(v)}`);
    }
    map.set(name, v);
  });
  return map;
}

/** Evaluates parameters, builds matrices and drops barrier/delay; validates indices on the way. */
function bindOps(circuit: Circuit, values: readonly number[]): BoundOp[] {
  const env = bindings(circuit, values);
  const n = circuit.numQubits;
  const checkQubit = (q: number): void => {
    if (!Number.isInteger(q) || q < 0 || q >= n) throw malformed(`qubit ${q} is outside 0..${n - 1}`);
  };
  const checkClbit = (c: number): void => {
    if (!Number.isInteger(c) || c < 0 || c >= circuit.numClbits) {
      throw malformed(`clbit ${c} is outside 0..${circuit.numClbits - 1}`);
    }
  };
  const bindList = (ops: readonly Op[]): BoundOp[] => {
    const out: BoundOp[] = [];
    for (const op of ops) {
      switch (op.kind) {
        case 'gate': {
          if (!isStandardGate(op.name)) {
            throw new QrunError('CIRCUIT_UNSUPPORTED', `gate ${op.name} is not a standard gate`, {
              hint: `Supported gates: ${Object.keys(STANDARD_GATES).join(', ')}.`,
            });
          }
          const spec = STANDARD_GATES[op.name];
          if (op.qubits.length !== spec.qubits) throw malformed(`${op.name} on ${op.qubits.length} qubit(s)`);
          op.qubits.forEach(checkQubit);
          if (new Set(op.qubits).size !== op.qubits.length) throw malformed(`${op.name} repeats a qubit`);
          let params: number[];
          try {
            params = op.params.map((e) => evalExpr(e, env));
          } catch (cause) {
            throw new QrunError('OPTION_INVALID', `gate ${op.name}: ${(cause as Error).message}`, { cause });
          }
          if (params.some((x) => !Number.isFinite(x))) {
            throw new QrunError('OPTION_INVALID', `gate ${op.name} has a non-finite parameter (${params.join(', ')})`);
          }
          if (params.length !== spec.params) throw malformed(`${op.name} with ${params.length} parameter(s)`);
          out.push({ kind: 'gate', name: op.name, qubits: op.qubits, matrix: gateMatrix(op.name, params) });
          break;
        }
        case 'measure':
          checkQubit(op.qubit);
          checkClbit(op.clbit);
          out.push({ kind: 'measure', qubit: op.qubit, clbit: op.clbit });
          break;
        case 'reset':
          checkQubit(op.qubit);
          out.push({ kind: 'reset', qubit: op.qubit });
          break;
        case 'if':
          op.condition.clbits.forEach(checkClbit);
          out.push({
            kind: 'if',
            clbits: op.condition.clbits,
            value: op.condition.value,
            then: op.loopLimit === undefined ? bindList(op.then) : [{ kind: 'limit', limit: op.loopLimit }],
            else: op.loopLimit === undefined ? bindList(op.else) : [],
          });
          break;
        case 'barrier':
        case 'delay':
          op.qubits.forEach(checkQubit);
          break;
      }
    }
    return out;
  };
  return bindList(circuit.ops);
}

/** True when gates must stay separate because noise follows each one. */
export function hasGateNoise(noise: NoiseModel | undefined): boolean {
  return (
    noise !== undefined &&
    ((noise.depolarizing !== undefined && (noise.depolarizing.p1 > 0 || noise.depolarizing.p2 > 0)) ||
      (noise.amplitudeDamping !== undefined && noise.amplitudeDamping.gamma > 0))
  );
}

/** One gate per instruction, each followed by its noise: depolarizing first, then amplitude damping. */
function lowerNoisy(ops: readonly BoundOp[], noise: NoiseModel | undefined): Instr[] {
  const out: Instr[] = [];
  const p1 = noise?.depolarizing?.p1 ?? 0;
  const p2 = noise?.depolarizing?.p2 ?? 0;
  const gamma = noise?.amplitudeDamping?.gamma ?? 0;
  for (const op of ops) {
    switch (op.kind) {
      case 'gate': {
        out.push({ op: 'unitary', qubits: op.qubits, structured: structureOf(op.matrix) });
        const k = op.qubits.length;
        // The model defines 1- and 2-qubit depolarizing only; 3-qubit gates (ccx, ccz, cswap) get none.
        const p = k === 1 ? p1 : k === 2 ? p2 : 0;
        if (p > 0) out.push({ op: 'depolarize', qubits: op.qubits, p });
        if (gamma > 0) for (const q of op.qubits) out.push({ op: 'damp', qubit: q, gamma });
        break;
      }
      case 'measure':
        out.push({ op: 'measure', qubit: op.qubit, clbit: op.clbit });
        break;
      case 'reset':
        out.push({ op: 'reset', qubit: op.qubit });
        break;
      case 'set':
        out.push({ op: 'set', clbit: op.clbit, bit: op.bit });
        break;
      case 'if':
        out.push({
          op: 'if',
          clbits: op.clbits,
          value: op.value,
          then: lowerNoisy(op.then, noise),
          else: lowerNoisy(op.else, noise),
        });
        break;
      case 'limit':
        out.push({ op: 'limit', limit: op.limit });
        break;
    }
  }
  return out;
}

export interface CompileOptions {
  readonly noise?: NoiseModel | undefined;
  /** Fuse single-qubit gates (default true; ignored when gate noise is on). */
  readonly fuse?: boolean;
  /**
   * Decide gates, resets and measurements on qubits in a known basis state and run the rest on
   * compacted qubits (compact.ts); the Program's numQubits is then the compacted count. Ignored
   * when gate noise is on. For shot branching only: it changes which random draws a seed makes.
   */
  readonly compact?: boolean;
}

/** Binds, fuses (when allowed) and lowers a circuit into a Program. */
export function compile(circuit: Circuit, values: readonly number[], options: CompileOptions = {}): Program {
  let ops = bindOps(circuit, values);
  let numQubits = circuit.numQubits;
  const noisy = hasGateNoise(options.noise);
  if (options.compact === true && !noisy) {
    const compacted = compactKnownQubits(ops, numQubits);
    ops = compacted.ops;
    numQubits = compacted.numQubits;
  }
  const instrs = noisy || options.fuse === false ? lowerNoisy(ops, options.noise) : fuse(ops, numQubits);
  return { numQubits, numClbits: circuit.numClbits, instrs };
}
