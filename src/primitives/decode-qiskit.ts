/**
 * Reads a Qiskit-encoded result (what encode-qiskit.ts and IBM's service write) back into the result
 * model, so the library can present results from any source the same way and tests can check that
 * the encoding round-trips.
 */
import { QrunError } from '../errors.js';
import { isEnvelope } from './envelopes.js';
import { decodeNdarrayValue, type NdArray } from './numpy.js';
import type { EstimatorPubOutcome, PrimitiveOutcome, RegisterSamples, SamplerPubOutcome } from './result-model.js';

function bad(message: string): QrunError {
  return new QrunError('PAYLOAD_INVALID', `Qiskit-encoded result: ${message}`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function unwrap(value: unknown, type: string | readonly string[], where: string): Record<string, unknown> {
  const types = typeof type === 'string' ? [type] : type;
  if (!isEnvelope(value) || !types.includes(value.__type__) || !isRecord(value.__value__)) {
    throw bad(`${where} is not a ${types.join(' or ')}`);
  }
  return value.__value__;
}

function ndarray(value: unknown, where: string): NdArray {
  if (!isEnvelope(value, 'ndarray')) throw bad(`${where} is not an ndarray`);
  const inner = value.__value__;
  if (typeof inner === 'number') return { dtype: 'float64', shape: [], data: [inner] };
  if (typeof inner !== 'string') throw bad(`${where} is not an npy-encoded ndarray`);
  return decodeNdarrayValue(inner);
}

function dataBin(value: unknown, where: string): { shape: number[]; fields: Record<string, unknown>; names: string[] } {
  const bin = unwrap(value, 'DataBin', where);
  const shape = bin['shape'];
  const fields = bin['fields'];
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d)) || !isRecord(fields)) throw bad(`${where} has no shape or fields`);
  const fieldNames = bin['field_names'];
  if (fieldNames !== undefined && !(Array.isArray(fieldNames) && fieldNames.every((n) => typeof n === 'string'))) throw bad(`${where} has field_names that are not a list of names`);
  const names = fieldNames ?? Object.keys(fields);
  return { shape: shape as number[], fields, names };
}

function metadataOf(value: Record<string, unknown>): Record<string, unknown> {
  return isRecord(value['metadata']) ? value['metadata'] : {};
}

export function fromQiskit(encoded: unknown): PrimitiveOutcome {
  const result = unwrap(encoded, 'PrimitiveResult', 'the top level');
  const pubResults = result['pub_results'];
  if (!Array.isArray(pubResults)) throw bad('PrimitiveResult has no pub_results list');
  const metadata = metadataOf(result);
  const first: unknown = pubResults[0];
  const isSampler = isEnvelope(first, 'SamplerPubResult') || (isEnvelope(first) && dataBinHasBitArrays(first));
  if (isSampler) {
    const pubs = pubResults.map((pub, i): SamplerPubOutcome => {
      const value = unwrap(pub, ['SamplerPubResult', 'PubResult'], `pub_results[${i}]`);
      const bin = dataBin(value['data'], `pub_results[${i}].data`);
      const registers = bin.names.map((name): RegisterSamples => {
        const bits = unwrap(bin.fields[name], 'BitArray', `pub_results[${i}].data.${name}`);
        const array = ndarray(bits['array'], `pub_results[${i}].data.${name}.array`);
        const numBits = bits['num_bits'];
        if (typeof numBits !== 'number') throw bad(`pub_results[${i}].data.${name} has no num_bits`);
        const shots = array.shape[array.shape.length - 2] ?? 0;
        return { name, numBits, shape: array.shape.slice(0, -2), shots, bytes: Uint8Array.from(array.data) };
      });
      const pubMetadata = metadataOf(value);
      const shots = registers[0]?.shots ?? (typeof pubMetadata['shots'] === 'number' ? pubMetadata['shots'] : 0);
      return { shape: bin.shape, shots, registers, metadata: pubMetadata };
    });
    return { kind: 'sampler', pubs, metadata };
  }
  const pubs = pubResults.map((pub, i): EstimatorPubOutcome => {
    const value = unwrap(pub, ['PubResult', 'EstimatorPubResult'], `pub_results[${i}]`);
    const bin = dataBin(value['data'], `pub_results[${i}].data`);
    const field = (name: string): number[] => {
      if (bin.fields[name] === undefined) return [];
      return Array.from(ndarray(bin.fields[name], `pub_results[${i}].data.${name}`).data);
    };
    return {
      shape: bin.shape,
      evs: field('evs'),
      stds: field('stds'),
      ensembleStandardError: field('ensemble_standard_error'),
      metadata: metadataOf(value),
    };
  });
  return { kind: 'estimator', pubs, metadata };
}

function dataBinHasBitArrays(pub: { __value__: unknown }): boolean {
  const value = pub.__value__;
  if (!isRecord(value) || !isEnvelope(value['data']) || !isRecord(value['data'].__value__)) return false;
  const fields = value['data'].__value__['fields'];
  return isRecord(fields) && Object.values(fields).some((f) => isEnvelope(f, 'BitArray'));
}
