/**
 * Positions and error construction. Every QASM error names `line:column` and shows the offending
 * line with a caret, because payloads arrive as one opaque string and the user needs to find the spot
 * without counting characters.
 */
import { QrunError, type ErrorCode } from '../errors.js';

/** 1-based line and column (columns count code points, so `π` is one column). */
export interface Pos {
  readonly line: number;
  readonly column: number;
}

export type QasmErrorCode = Extract<ErrorCode, 'QASM_SYNTAX' | 'QASM_SEMANTIC' | 'QASM_UNSUPPORTED' | 'QASM_LOOP_LIMIT' | 'CIRCUIT_TOO_LARGE'>;

/** Lines longer than this are shown as a window around the column (minified payloads exist). */
const EXCERPT_WIDTH = 100;

/** The source line at `pos` with a caret under the column; tabs are copied so the caret lines up. */
function excerpt(source: string, pos: Pos): string {
  const lines = source.split(/\r\n|\r|\n/);
  const raw = lines[pos.line - 1] ?? '';
  let chars = Array.from(raw);
  let col = Math.max(1, Math.min(pos.column, chars.length + 1));
  if (chars.length > EXCERPT_WIDTH) {
    const start = Math.max(0, col - 1 - Math.floor(EXCERPT_WIDTH / 2));
    const end = Math.min(chars.length, start + EXCERPT_WIDTH);
    const prefix = start > 0 ? '…' : '';
    const suffix = end < chars.length ? '…' : '';
    chars = [...(prefix === '' ? [] : [prefix]), ...chars.slice(start, end), ...(suffix === '' ? [] : [suffix])];
    col = col - start + (prefix === '' ? 0 : 1);
  }
  const gutter = String(pos.line);
  const caret = chars
    .slice(0, col - 1)
    .map((c) => (c === '\t' ? '\t' : ' '))
    .join('');
  return `${gutter} | ${chars.join('')}\n${' '.repeat(gutter.length)} | ${caret}^`;
}

/** Builds the QrunError for a problem at `pos`: "line:col: message" followed by the excerpt. */
export function qasmError(code: QasmErrorCode, message: string, source: string, pos: Pos, hint?: string): QrunError {
  return new QrunError(code, `${pos.line}:${pos.column}: ${message}\n${excerpt(source, pos)}`, {
    details: { line: pos.line, column: pos.column },
    ...(hint === undefined ? {} : { hint }),
  });
}
