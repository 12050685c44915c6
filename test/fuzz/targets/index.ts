/** Every fuzz target, in the order the runs report them. */
import type { FuzzTarget } from '../harness.js';
import { catalogueTarget } from './catalogue.js';
import { gatewayTarget } from './gateway.js';
import { payloadTarget } from './payload.js';
import { qasmTarget } from './qasm.js';
import { qiskitResultTarget } from './qiskit-result.js';

export const TARGETS: readonly FuzzTarget<never>[] = [qasmTarget, payloadTarget, qiskitResultTarget, catalogueTarget, gatewayTarget] as unknown as FuzzTarget<never>[];
