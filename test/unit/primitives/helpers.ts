import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/**
 * IBM's schemas declare draft-04 and use a few later keywords (prefixItems); Ajv 8 validates them as
 * draft-07 once the draft-04 markers are dropped, with strict mode off for the unknown keywords.
 */
export function loadSchema(name: string): ValidateFunction {
  const schema = JSON.parse(readFileSync(`${fixtures}${name}`, 'utf8')) as Record<string, unknown>;
  delete schema['$schema'];
  delete schema['id'];
  return new Ajv({ strict: false, allErrors: true }).compile(schema);
}

export function expectValid(validate: ValidateFunction, value: unknown): void {
  const ok = validate(value);
  if (!ok) throw new Error(`schema validation failed: ${JSON.stringify(validate.errors, null, 2)}`);
}

export const BELL = `OPENQASM 3.0;
include "stdgates.inc";
bit[2] meas;
qubit[2] q;
h q[0];
cx q[0], q[1];
barrier q[0], q[1];
meas[0] = measure q[0];
meas[1] = measure q[1];
`;

/** Bell state without measurements, for the estimator. */
export const BELL_STATE = `OPENQASM 3.0;
include "stdgates.inc";
qubit[2] q;
h q[0];
cx q[0], q[1];
`;

export const RY_CX = `OPENQASM 3.0;
include "stdgates.inc";
input float[64] theta;
qubit[2] q;
ry(theta) q[0];
cx q[0], q[1];
`;

export function ghz(n: number): string {
  const cx = Array.from({ length: n - 1 }, (_, i) => `cx q[${i}], q[${i + 1}];`).join('\n');
  return `OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[${n}] c;\nqubit[${n}] q;\nh q[0];\n${cx}\nc = measure q;\n`;
}

export function hadamards(n: number): string {
  const h = Array.from({ length: n }, (_, i) => `h q[${i}];`).join('\n');
  return `OPENQASM 3.0;\ninclude "stdgates.inc";\nbit[${n}] c;\nqubit[${n}] q;\n${h}\nc = measure q;\n`;
}

/** |x| ≤ k·σ for a binomial count. */
export function withinSigmas(count: number, shots: number, p: number, k = 5): boolean {
  return Math.abs(count - shots * p) <= k * Math.sqrt(shots * p * (1 - p));
}
