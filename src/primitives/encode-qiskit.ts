/**
 * The Qiskit-encoded result (`support_qiskit: true`): what qiskit-ibm-runtime's RuntimeEncoder writes
 * and its RuntimeDecoder reads back into PrimitiveResult objects —
 *   PrimitiveResult {pub_results, metadata}
 *   SamplerPubResult | PubResult {data, metadata}
 *   DataBin {field_names, shape, fields}
 *   BitArray {array: ndarray uint8 (...shape, shots, bytes), num_bits}
 *   ndarray base64(zlib(.npy))
 */
import { encodeNdarray, type EncodedNdarray } from './numpy.js';
import { bytesPerShot } from './bits.js';
import type { EstimatorOutcome, PrimitiveOutcome, SamplerOutcome } from './result-model.js';

interface Encoded<T extends string, V> {
  __type__: T;
  __value__: V;
}

type EncodedBitArray = Encoded<'BitArray', { array: EncodedNdarray; num_bits: number }>;
type EncodedDataBin<F> = Encoded<'DataBin', { field_names: string[]; shape: number[]; fields: Record<string, F> }>;
type EncodedPubResult<T extends string, F> = Encoded<T, { data: EncodedDataBin<F>; metadata: Record<string, unknown> }>;
type EncodedPrimitiveResult<P> = Encoded<'PrimitiveResult', { pub_results: P[]; metadata: Record<string, unknown> }>;

export type QiskitSamplerResult = EncodedPrimitiveResult<EncodedPubResult<'SamplerPubResult', EncodedBitArray>>;
export type QiskitEstimatorResult = EncodedPrimitiveResult<EncodedPubResult<'PubResult', EncodedNdarray>>;

export function samplerToQiskit(outcome: SamplerOutcome): QiskitSamplerResult {
  return {
    __type__: 'PrimitiveResult',
    __value__: {
      pub_results: outcome.pubs.map((pub) => ({
        __type__: 'SamplerPubResult',
        __value__: {
          data: {
            __type__: 'DataBin',
            __value__: {
              field_names: pub.registers.map((r) => r.name),
              shape: [...pub.shape],
              fields: Object.fromEntries(
                pub.registers.map((r): [string, EncodedBitArray] => [
                  r.name,
                  {
                    __type__: 'BitArray',
                    __value__: {
                      array: encodeNdarray({ dtype: 'uint8', shape: [...r.shape, r.shots, bytesPerShot(r.numBits)], data: r.bytes }),
                      num_bits: r.numBits,
                    },
                  },
                ]),
              ),
            },
          },
          metadata: pub.metadata,
        },
      })),
      metadata: outcome.metadata,
    },
  };
}

export function estimatorToQiskit(outcome: EstimatorOutcome): QiskitEstimatorResult {
  return {
    __type__: 'PrimitiveResult',
    __value__: {
      pub_results: outcome.pubs.map((pub) => {
        const shape = [...pub.shape];
        return {
          // IBM's EstimatorV2 returns plain PubResult objects.
          __type__: 'PubResult',
          __value__: {
            data: {
              __type__: 'DataBin',
              __value__: {
                field_names: ['evs', 'stds', 'ensemble_standard_error'],
                shape,
                fields: {
                  evs: encodeNdarray({ dtype: 'float64', shape, data: pub.evs }),
                  stds: encodeNdarray({ dtype: 'float64', shape, data: pub.stds }),
                  ensemble_standard_error: encodeNdarray({ dtype: 'float64', shape, data: pub.ensembleStandardError }),
                },
              },
            },
            metadata: pub.metadata,
          },
        };
      }),
      metadata: outcome.metadata,
    },
  };
}

export function toQiskit(outcome: PrimitiveOutcome): QiskitSamplerResult | QiskitEstimatorResult {
  return outcome.kind === 'sampler' ? samplerToQiskit(outcome) : estimatorToQiskit(outcome);
}
