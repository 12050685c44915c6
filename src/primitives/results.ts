/**
 * The library's typed results, shaped like Qiskit's: a PrimitiveResult holds one PubResult per PUB;
 * a sampler PUB result has one BitArray per classical register, an estimator PUB result has evs and
 * stds along the PUB shape.
 */
import { QrunError } from '../errors.js';
import { BitArray, type Index } from './bit-array.js';
import { toPlain, type PlainEstimatorResult, type PlainSamplerResult } from './encode-plain.js';
import { toQiskit, type QiskitEstimatorResult, type QiskitSamplerResult } from './encode-qiskit.js';
import type { EstimatorOutcome, EstimatorPubOutcome, SamplerOutcome, SamplerPubOutcome } from './result-model.js';
import { nest, ravelIndex, type NestedOf, type Shape } from './shape.js';

export class SamplerPubResult {
  readonly shape: Shape;
  /** Shots per PUB element. */
  readonly shots: number;
  /** One BitArray per classical register, by register name (`meas` for measure_all, `c` for `creg c`). */
  readonly data: Readonly<Record<string, BitArray>>;
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly order: readonly string[];

  constructor(outcome: SamplerPubOutcome) {
    this.shape = outcome.shape;
    this.shots = outcome.shots;
    this.order = outcome.registers.map((r) => r.name);
    this.data = Object.fromEntries(outcome.registers.map((r) => [r.name, new BitArray(r)]));
    this.metadata = outcome.metadata;
  }

  /** Register names in declaration order. */
  get registers(): readonly string[] {
    return this.order;
  }

  /** All registers joined into one BitArray as Qiskit's `join_data()`: the first register rightmost. */
  joinData(): BitArray {
    return BitArray.join(this.order.map((name) => this.data[name]).filter((b): b is BitArray => b !== undefined));
  }

  private bits(register: string | undefined): BitArray {
    if (register === undefined) return this.order.length === 1 ? (this.data[this.order[0] ?? ''] ?? this.joinData()) : this.joinData();
    const bits = this.data[register];
    if (bits === undefined) {
      throw new QrunError('OPTION_INVALID', `the circuit has no classical register ${JSON.stringify(register)} (it has ${this.order.join(', ') || 'none'})`);
    }
    return bits;
  }

  /** Counts of one register, or of all registers joined when none is named. */
  getCounts(register?: string, index?: Index): Record<string, number> {
    return this.bits(register).getCounts(index);
  }

  /** Bitstrings of one register, or of all registers joined when none is named. */
  getBitstrings(register?: string, index?: Index): string[] {
    return this.bits(register).getBitstrings(index);
  }
}

export class EstimatorPubResult {
  readonly shape: Shape;
  /** Expectation values nested along the PUB shape (a number for shape ()). */
  readonly evs: NestedOf<number>;
  /** Standard errors, nested like evs. */
  readonly stds: NestedOf<number>;
  readonly ensembleStandardError: NestedOf<number>;
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly flat: EstimatorPubOutcome;

  constructor(outcome: EstimatorPubOutcome) {
    this.flat = outcome;
    this.shape = outcome.shape;
    this.evs = nest(outcome.evs, outcome.shape);
    this.stds = nest(outcome.stds, outcome.shape);
    this.ensembleStandardError = nest(outcome.ensembleStandardError, outcome.shape);
    this.metadata = outcome.metadata;
  }

  private at(values: readonly number[], index: Index | undefined): number {
    const coords = index === undefined ? [] : typeof index === 'number' ? [index] : index;
    try {
      return values[ravelIndex(coords, this.shape)] ?? Number.NaN;
    } catch (error) {
      throw new QrunError('OPTION_INVALID', `index [${coords.join(', ')}] does not address an element of shape (${this.shape.join(', ')})`, { cause: error });
    }
  }

  /** The expectation value at an index of the PUB shape (no index for shape ()). */
  ev(index?: Index): number {
    return this.at(this.flat.evs, index);
  }

  std(index?: Index): number {
    return this.at(this.flat.stds, index);
  }

  /** Flat C-order copies, for numeric work. */
  evsFlat(): number[] {
    return [...this.flat.evs];
  }

  stdsFlat(): number[] {
    return [...this.flat.stds];
  }
}

export class PrimitiveResult<P extends SamplerPubResult | EstimatorPubResult> implements Iterable<P> {
  readonly pubResults: readonly P[];
  readonly metadata: Readonly<Record<string, unknown>>;
  private readonly outcome: SamplerOutcome | EstimatorOutcome;

  constructor(outcome: SamplerOutcome | EstimatorOutcome, pubResults: readonly P[]) {
    this.outcome = outcome;
    this.pubResults = pubResults;
    this.metadata = outcome.metadata;
  }

  get length(): number {
    return this.pubResults.length;
  }

  /** The result of PUB i; throws for an index out of range instead of returning undefined. */
  get(i: number): P {
    const pub = this.pubResults[i];
    if (pub === undefined) throw new QrunError('OPTION_INVALID', `no PUB result ${i}: the job had ${this.pubResults.length} PUBs`);
    return pub;
  }

  [Symbol.iterator](): Iterator<P> {
    return this.pubResults[Symbol.iterator]();
  }

  /** The plain JSON form that `qrun` writes. */
  toJSON(): PlainSamplerResult | PlainEstimatorResult {
    return toPlain(this.outcome);
  }

  /** The Qiskit-encoded form (qiskit_ibm_runtime.RuntimeDecoder reads it). */
  toQiskitJSON(): QiskitSamplerResult | QiskitEstimatorResult {
    return toQiskit(this.outcome);
  }
}

export function samplerResult(outcome: SamplerOutcome): PrimitiveResult<SamplerPubResult> {
  return new PrimitiveResult(outcome, outcome.pubs.map((p) => new SamplerPubResult(p)));
}

export function estimatorResult(outcome: EstimatorOutcome): PrimitiveResult<EstimatorPubResult> {
  return new PrimitiveResult(outcome, outcome.pubs.map((p) => new EstimatorPubResult(p)));
}
