/**
 * From checked params to runnable PUBs: parse each circuit, bind its parameter values, broadcast
 * observables against them, and settle shots/precision. Every error names its PUB and field.
 */
import type { Circuit, Op } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { PauliSum } from '../sim/api.js';
import { estimatorPrecision, samplerShots } from './defaults.js';
import { pubError, type PubField } from './errors.js';
import { toEnginePauliSum } from './observables.js';
import { bindParameters, type BoundParameters } from './params.js';
import type { EstimatorParams, SamplerParams } from './payload.js';
import { broadcastShapes, formatShape, type Shape } from './shape.js';

export type ParseCircuit = (source: string) => Circuit;

export interface PreparedSamplerPub {
  readonly index: number;
  readonly circuit: Circuit;
  readonly bindings: BoundParameters;
  readonly shape: Shape;
  readonly shots: number;
}

export interface PreparedEstimatorPub {
  readonly index: number;
  readonly circuit: Circuit;
  readonly bindings: BoundParameters;
  readonly observableShape: Shape;
  /** C-order, on the circuit's compact qubits. */
  readonly observables: readonly PauliSum[];
  /** Broadcast of observableShape and bindings.shape. */
  readonly shape: Shape;
  /** 0: exact values (shots is then 0 too). */
  readonly precision: number;
  readonly shots: number;
}

export interface Overrides {
  readonly shots?: number | undefined;
  readonly precision?: number | undefined;
}

/** Re-throws a coded error from a field's parser with the PUB index and field in front. */
function at<T>(pub: number, field: PubField, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof QrunError) {
      throw pubError(error.code, pub, field, error.message, {
        ...(error.hint === undefined ? {} : { hint: error.hint }),
        cause: error,
        ...(error.details === undefined ? {} : { details: error.details }),
      });
    }
    throw error;
  }
}

export function prepareSamplerPubs(params: SamplerParams, parse: ParseCircuit, overrides: Overrides = {}): PreparedSamplerPub[] {
  return params.pubs.map((pub) => {
    const circuit = at(pub.index, 'circuit', () => parse(pub.circuit));
    const bindings = at(pub.index, 'parameter_values', () => bindParameters(pub.parameterValues, circuit.parameters));
    const shots = samplerShots(pub.shots, overrides.shots, params.shots, params.options);
    return { index: pub.index, circuit, bindings, shape: bindings.shape, shots };
  });
}

/** The first op that makes a circuit more than a unitary followed by nothing: a measurement, reset or branch. */
function firstNonUnitary(ops: readonly Op[]): 'measure' | 'reset' | 'if' | null {
  let found: 'reset' | 'if' | null = null;
  const stack: (readonly Op[])[] = [ops];
  for (let list = stack.pop(); list !== undefined; list = stack.pop()) {
    for (const op of list) {
      if (op.kind === 'measure') return 'measure';
      if (op.kind === 'reset') found ??= 'reset';
      if (op.kind === 'if') {
        found ??= 'if';
        stack.push(op.then, op.else);
      }
    }
  }
  return found;
}

/**
 * Qiskit's Estimators refuse circuits that measure; ignoring the measurements instead would give
 * values for a circuit other than the one sent (a measured qubit is no longer in superposition).
 * Resets and branches on measured bits make the state depend on the shot, which no exact
 * expectation value describes; refused here, where the error can name the PUB.
 */
function checkEstimatorCircuit(circuit: Circuit, pub: number): void {
  const found = firstNonUnitary(circuit.ops);
  if (found === null) return;
  if (found === 'measure') {
    throw pubError('CIRCUIT_UNSUPPORTED', pub, 'circuit', 'measures qubits; an estimator circuit must not contain measurements', {
      hint: 'Send the circuit without them: circuit.remove_final_measurements() in Qiskit (the estimator measures each observable itself).',
    });
  }
  const what = found === 'reset' ? 'resets a qubit' : 'branches on measured bits (if, while or switch)';
  throw pubError('CIRCUIT_UNSUPPORTED', pub, 'circuit', `${what}; an estimator circuit must be unitary, so the state it measures is the same in every shot`, {
    hint: 'Run it with the Sampler, which runs dynamic circuits shot by shot, and compute the expectation value from the counts.',
    details: { operation: found },
  });
}

export function prepareEstimatorPubs(params: EstimatorParams, parse: ParseCircuit, overrides: Overrides = {}): PreparedEstimatorPub[] {
  return params.pubs.map((pub) => {
    const circuit = at(pub.index, 'circuit', () => parse(pub.circuit));
    checkEstimatorCircuit(circuit, pub.index);
    const bindings = at(pub.index, 'parameter_values', () => bindParameters(pub.parameterValues, circuit.parameters));
    const observables = at(pub.index, 'observables', () => pub.observables.items.map((o) => toEnginePauliSum(o, circuit)));
    const shape = broadcastShapes(pub.observables.shape, bindings.shape);
    if (shape === null) {
      throw pubError(
        'BROADCAST_MISMATCH',
        pub.index,
        'observables',
        `shape ${formatShape(pub.observables.shape)} does not broadcast with the parameter values' shape ${formatShape(bindings.shape)}`,
        {
          hint: 'numpy rules: align shapes on the right; each pair of dimensions must be equal or one of them 1.',
          details: { observables_shape: pub.observables.shape, parameter_values_shape: bindings.shape },
        },
      );
    }
    const { precision, shots } = at(pub.index, 'precision', () => estimatorPrecision(pub.precision, overrides.precision, params.precision, params.options));
    return { index: pub.index, circuit, bindings, observableShape: pub.observables.shape, observables, shape, precision, shots };
  });
}
