/** A cursor over the token list with the expectation helpers every parse function shares. */
import type { QrunError } from '../errors.js';
import type { Token } from './lexer.js';
import { qasmError, type Pos, type QasmErrorCode } from './source.js';

/**
 * Deepest nesting of parentheses, unary minus and if-blocks. Real payloads stay far below; the limit
 * turns a hostile `((((...` into a clean error instead of a stack overflow.
 */
const MAX_NESTING = 200;

export class Cursor {
  private index = 0;
  private depth = 0;

  constructor(
    readonly source: string,
    private readonly tokens: readonly Token[],
    readonly version: 2 | 3,
  ) {}

  peek(offset = 0): Token {
    const last = this.tokens[this.tokens.length - 1];
    const tok = this.tokens[Math.min(this.index + offset, this.tokens.length - 1)] ?? last;
    if (tok === undefined) throw new Error('token list is empty');
    return tok;
  }

  next(): Token {
    const tok = this.peek();
    if (tok.kind !== 'eof') this.index++;
    return tok;
  }

  isPunct(text: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.kind === 'punct' && tok.text === text;
  }

  isWord(text: string, offset = 0): boolean {
    const tok = this.peek(offset);
    return tok.kind === 'ident' && tok.text === text;
  }

  acceptPunct(text: string): boolean {
    if (!this.isPunct(text)) return false;
    this.next();
    return true;
  }

  /** Consumes `text` or fails with "expected '<text>' <context>, found ...". */
  expectPunct(text: string, context: string): Token {
    if (!this.isPunct(text)) {
      // A forgotten `;` is reported where it belongs, not at the start of the next line.
      const found = this.peek();
      const prev = this.tokens[this.index - 1];
      if (prev !== undefined && found.pos.line > prev.end.line) {
        throw this.error('QASM_SYNTAX', `expected '${text}' ${context}, found ${describe(found)} on the next line`, prev.end);
      }
      this.fail(`'${text}' ${context}`);
    }
    return this.next();
  }

  expectIdent(what: string): Token {
    if (this.peek().kind !== 'ident') this.fail(what);
    return this.next();
  }

  /** A non-negative integer literal, e.g. a register size or an index. */
  expectInt(what: string): Token {
    const tok = this.peek();
    if (tok.kind === 'punct' && tok.text === '-' && this.peek(1).kind === 'int') {
      throw this.error('QASM_SEMANTIC', `${what} must not be negative`, tok.pos);
    }
    if (tok.kind !== 'int') this.fail(what);
    if (!Number.isSafeInteger(tok.value)) throw this.error('QASM_SEMANTIC', `${what} ${tok.text} is too large`, tok.pos);
    return this.next();
  }

  /** A syntax error at the current token naming what was expected. */
  fail(expected: string, tok: Token = this.peek()): never {
    throw this.error('QASM_SYNTAX', `expected ${expected}, found ${describe(tok)}`, tok.pos);
  }

  error(code: QasmErrorCode, message: string, pos: Pos, hint?: string): QrunError {
    return qasmError(code, message, this.source, pos, hint);
  }

  /** Runs `body` one nesting level deeper, refusing to go past MAX_NESTING. */
  nested<T>(pos: Pos, body: () => T): T {
    if (this.depth >= MAX_NESTING) {
      throw this.error('QASM_UNSUPPORTED', `nesting deeper than ${MAX_NESTING} levels is not supported`, pos);
    }
    this.depth++;
    try {
      return body();
    } finally {
      this.depth--;
    }
  }
}

function describe(tok: Token): string {
  switch (tok.kind) {
    case 'eof':
      return 'the end of the input';
    case 'string':
      return `the string "${tok.text}"`;
    default:
      return `'${tok.text}'`;
  }
}
