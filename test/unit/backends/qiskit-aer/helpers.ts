/**
 * What the qiskit-aer tests share: catalogue entries turned into the gateway's view of a backend,
 * task requests, circuits, and counts read the way a user reads them.
 */
import { aerEntrySchema } from '../../../../src/backends/qiskit-aer/schema.js';
import type { GatewayBackend, TaskRequest } from '../../../../src/backends/types.js';
import { BitArray } from '../../../../src/primitives/bit-array.js';
import type { PrimitiveOutcome } from '../../../../src/primitives/result-model.js';

/** A catalogue entry as the hook parses it and hands it to the gateway (src/gateway/job-gateway.ts). */
export function aerBackend(name: string, fields: Record<string, unknown>): GatewayBackend {
  const entry = aerEntrySchema.parse({ type: 'qiskit-aer', capacity: { gres: 'aer', lanes: 1 }, ...fields });
  const { type, capacity: _capacity, metadata, description: _description, secret: _secret, $comment: _comment, ...settings } = entry;
  return { name, type, metadata, secretRequired: false, secret: undefined, settings };
}

export function samplerRequest(pubs: unknown[], options: TaskRequest['options'] = {}): TaskRequest {
  return { programId: 'sampler', backend: undefined, params: { pubs, version: 2 }, options };
}

export function estimatorRequest(pubs: unknown[], options: TaskRequest['options'] = {}): TaskRequest {
  return { programId: 'estimator', backend: undefined, params: { pubs, version: 2 }, options };
}

export const BELL = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n';
export const BELL_STATE = 'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n';

export function ghz(n: number): string {
  const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";', `qubit[${n}] q;`, `bit[${n}] c;`, 'h q[0];'];
  for (let i = 0; i + 1 < n; i++) lines.push(`cx q[${i}], q[${i + 1}];`);
  lines.push('c = measure q;');
  return `${lines.join('\n')}\n`;
}

/**
 * A circuit Aer must simulate shot by shot (a measurement mid-way): with many shots it runs for
 * minutes, long enough to be cancelled or killed while it runs.
 */
export function slowCircuit(n = 14): string {
  const lines = ['OPENQASM 3.0;', 'include "stdgates.inc";', `qubit[${n}] q;`, `bit[${n}] c;`];
  for (let i = 0; i < n; i++) lines.push(`h q[${i}];`);
  lines.push('c[0] = measure q[0];');
  for (let i = 0; i + 1 < n; i++) lines.push(`cx q[${i}], q[${i + 1}];`);
  lines.push('c = measure q;');
  return `${lines.join('\n')}\n`;
}

/** The first register's counts of the first PUB. */
export function countsOf(outcome: PrimitiveOutcome): Record<string, number> {
  if (outcome.kind !== 'sampler') throw new Error('not a sampler outcome');
  const register = outcome.pubs[0]?.registers[0];
  if (register === undefined) throw new Error('no register');
  return new BitArray(register).getCounts();
}
