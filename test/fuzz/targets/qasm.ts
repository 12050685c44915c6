/** The OpenQASM 3/2 front end: parser and lowering (src/qasm/, `parseQasm`). */
import fc from 'fast-check';
import { parseQasm } from '../../../src/qasm/index.js';
import { TOKENS } from '../../unit/qasm/arbitrary.js';
import type { FuzzTarget } from '../harness.js';
import { mutatedText, NASTY_NUMBERS, NASTY_STRINGS } from '../mutate.js';
import { qasmSeeds } from '../seeds.js';

/** The language's harder corners, beyond the tokens the parser's own property tests use. */
const MORE_TOKENS = [
  'for', 'uint', 'i', 'in', '[0:1000000000]', '[0:2:7]', '{0, 1, 2}', 'while', '(true)', 'switch', 'case', 'default', 'break', 'continue',
  'const', 'let', 'angle', 'int', 'bool', 'duration', 'stretch', 'box', 'defcal', 'extern', 'def', 'return', 'opaque', 'array', 'output',
  '#pragma', 'qubit[1000000000] r;', 'qubit[0] r;', 'ctrl(1000) @', 'negctrl(-1) @', 'pow(1e9) @', 'pow(-0.5) @', 'inv @ inv @',
  'U(1e308, NaN, -inf)', 'gphase(pi)', 'q[-1]', 'q[2147483648]', 'q[0:1]', 'c[99999999999999999999]', '<<', '>>', '%', '~', '^', '&&', '||',
  '0x', '0b102', '1_000', '1__0', '.e5', '"stdgates.inc"', 'include "missing.inc";', 'π', 'τ', 'ε', '𝔮', '\u0000', '\r', '\t', '"', "'",
  ...NASTY_NUMBERS.map(String),
  ...NASTY_STRINGS,
];

export const qasmTarget: FuzzTarget<string> = {
  name: 'qasm',
  door: 'parseQasm(text): OpenQASM 3/2 parser and lowering',
  arbitrary: () => {
    const seeds = qasmSeeds();
    const tokens = [...TOKENS, ...MORE_TOKENS];
    return fc.oneof(
      { weight: 8, arbitrary: mutatedText(seeds, tokens) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(...tokens), { maxLength: 80 }).map((t) => t.join(' ')) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
    );
  },
  run: (source) => parseQasm(source),
  encode: (source) => source,
  decode: (text) => text,
};
