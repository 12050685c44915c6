/**
 * The tokenizer, shared by OpenQASM 2 and 3. Keywords are not distinguished here: OpenQASM 2 programs
 * may use QASM 3 keywords (`bit`, `delay`, ...) as names, so the parser decides by context and version.
 */
import { qasmError, type Pos } from './source.js';

export type DurationUnit = 'dt' | 's' | 'ms' | 'us' | 'ns';

type TokenKind = 'ident' | 'int' | 'float' | 'duration' | 'string' | 'physical' | 'punct' | 'pragma' | 'eof';

export interface Token {
  readonly kind: TokenKind;
  /** The text as written (for strings: the contents without quotes; for pragmas: the rest of the line). */
  readonly text: string;
  readonly pos: Pos;
  /** Just after the token's last character: where a missing `;` belongs. */
  readonly end: Pos;
  /** Numeric value of int, float, duration and physical-qubit tokens; 0 otherwise. */
  readonly value: number;
  /** Unit of a duration token; null otherwise. */
  readonly unit: DurationUnit | null;
}

/** Longest first, so `**` wins over `*` and `->` over `-`. */
const PUNCTUATION = [
  '**=', '<<=', '>>=',
  '->', '==', '!=', '<=', '>=', '**', '&&', '||', '<<', '>>', '++', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=',
  ';', ',', '(', ')', '[', ']', '{', '}', ':', '=', '+', '-', '*', '/', '%', '!', '<', '>', '@', '^', '&', '|', '~', '.',
] as const;

const UNITS: Readonly<Record<string, DurationUnit>> = { dt: 'dt', s: 's', ms: 'ms', us: 'us', 'µs': 'us', 'μs': 'us', ns: 'ns' };

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;
const DIGIT = /[0-9]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let column = 1;

  const peekChar = (offset = 0): string => {
    let j = i;
    for (let k = 0; k < offset && j < source.length; k++) j += (source.codePointAt(j) ?? 0) > 0xffff ? 2 : 1;
    const cp = source.codePointAt(j);
    return cp === undefined ? '' : String.fromCodePoint(cp);
  };
  const advance = (): string => {
    const ch = peekChar();
    i += ch.length;
    if (ch === '\n' || (ch === '\r' && source[i] !== '\n')) {
      line++;
      column = 1;
    } else if (ch !== '\r') {
      column++;
    }
    return ch;
  };
  const fail = (message: string, pos: Pos): never => {
    throw qasmError('QASM_SYNTAX', message, source, pos);
  };
  const push = (kind: TokenKind, text: string, pos: Pos, value = 0, unit: DurationUnit | null = null): void => {
    tokens.push({ kind, text, pos, end: { line, column }, value, unit });
  };
  /** Whether nothing but whitespace precedes the current character on its line. */
  const startsLine = (): boolean => {
    const last = tokens[tokens.length - 1];
    return last === undefined || last.end.line < line;
  };
  const readWhile = (re: RegExp): string => {
    let out = '';
    while (i < source.length && re.test(peekChar())) out += advance();
    return out;
  };

  while (i < source.length) {
    const ch = peekChar();
    const pos: Pos = { line, column };
    if (/\s/u.test(ch)) {
      advance();
      continue;
    }
    if (ch === '/' && peekChar(1) === '/') {
      while (i < source.length && peekChar() !== '\n' && peekChar() !== '\r') advance();
      continue;
    }
    if (ch === '/' && peekChar(1) === '*') {
      advance();
      advance();
      while (!(peekChar() === '*' && peekChar(1) === '/')) {
        if (i >= source.length) fail("unterminated block comment: expected '*/' before the end of the input", pos);
        advance();
      }
      advance();
      advance();
      continue;
    }
    // A pragma runs to the end of its line and means nothing here; the token keeps its text.
    if ((ch === '#' && source.startsWith('#pragma', i)) || (ch === 'p' && startsLine() && /^pragma[ \t]/.test(source.slice(i, i + 7)))) {
      let text = '';
      while (i < source.length && peekChar() !== '\n' && peekChar() !== '\r') text += advance();
      push('pragma', text.replace(/^#?pragma[ \t]*/, '').trimEnd(), pos);
      continue;
    }
    if (ch === '"' || ch === "'") {
      advance();
      let text = '';
      while (peekChar() !== ch) {
        const c = peekChar();
        if (c === '' || c === '\n' || c === '\r') fail(`unterminated string: expected a closing ${ch} on the same line`, pos);
        text += advance();
      }
      advance();
      push('string', text, pos);
      continue;
    }
    if (ch === '$') {
      advance();
      const digits = readWhile(DIGIT);
      if (digits === '') fail("expected digits after '$' (a physical qubit is written $0, $1, ...)", pos);
      push('physical', `$${digits}`, pos, Number(digits));
      continue;
    }
    if (DIGIT.test(ch) || (ch === '.' && DIGIT.test(peekChar(1)))) {
      lexNumber(pos);
      continue;
    }
    if (IDENT_START.test(ch)) {
      push('ident', readWhile(IDENT_PART), pos);
      continue;
    }
    const punct = PUNCTUATION.find((p) => source.startsWith(p, i));
    if (punct === undefined) fail(`unexpected character '${ch}'`, pos);
    else {
      for (let k = 0; k < punct.length; k++) advance();
      push('punct', punct, pos);
    }
  }
  push('eof', '', { line, column });
  return tokens;

  function lexNumber(pos: Pos): void {
    const radix = /^0[xXbBoO]/.exec(source.slice(i, i + 2));
    if (radix !== null) {
      advance();
      const base = advance().toLowerCase();
      const digitRe = base === 'x' ? /[0-9a-fA-F_]/ : base === 'b' ? /[01_]/ : /[0-7_]/;
      const digits = readWhile(digitRe).replaceAll('_', '');
      if (digits === '') fail(`expected digits after '0${base}'`, pos);
      push('int', `0${base}${digits}`, pos, Number(`0${base}${digits}`));
      return;
    }
    let text = readWhile(/[0-9_]/);
    let isFloat = false;
    if (peekChar() === '.' && !(peekChar(1) === '.')) {
      isFloat = true;
      text += advance();
      text += readWhile(/[0-9_]/);
    }
    if ((peekChar() === 'e' || peekChar() === 'E') && (DIGIT.test(peekChar(1)) || (/[+-]/.test(peekChar(1)) && DIGIT.test(peekChar(2))))) {
      isFloat = true;
      text += advance();
      if (/[+-]/.test(peekChar())) text += advance();
      text += readWhile(DIGIT);
    }
    const value = Number(text.replaceAll('_', ''));
    if (!Number.isFinite(value)) fail(`invalid number '${text}'`, pos);
    // A unit glued to the number makes a duration literal: `100dt`, `1.5us`.
    if (IDENT_START.test(peekChar())) {
      const save = { i, line, column };
      const word = readWhile(IDENT_PART);
      const unit = UNITS[word];
      if (unit !== undefined) {
        push('duration', text + word, pos, value, unit);
        return;
      }
      ({ i, line, column } = save);
    }
    push(isFloat ? 'float' : 'int', text, pos, value);
  }
}
