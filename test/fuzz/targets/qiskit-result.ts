/** Qiskit-encoded results read back into the result model (src/primitives/decode-qiskit.ts `fromQiskit`). */
import fc from 'fast-check';
import { fromQiskit } from '../../../src/primitives/decode-qiskit.js';
import { decodeValue, encodeValue, type FuzzTarget } from '../harness.js';
import { hostileValue, mutatedJson } from '../mutate.js';
import { qiskitResultSeeds } from '../seeds.js';

export const qiskitResultTarget: FuzzTarget<unknown> = {
  name: 'qiskit-result',
  door: 'fromQiskit(value): RuntimeEncoder results from a vendor or a gateway',
  arbitrary: () => fc.oneof({ weight: 9, arbitrary: mutatedJson(qiskitResultSeeds()) }, { weight: 1, arbitrary: hostileValue }),
  run: (value) => fromQiskit(value),
  encode: encodeValue,
  decode: decodeValue,
};
