/**
 * The OpenQASM front end: `parseQasm` reads OpenQASM 3 (as Qiskit's exporter writes it) or
 * OpenQASM 2 into the circuit IR, and `printQasm3` writes the IR back as OpenQASM 3.
 */
import type { Circuit } from '../circuit/ir.js';
import { QrunError } from '../errors.js';
import type { GateDef } from './gates.js';
import { LIBRARY_SOURCE } from './library.js';
import { lower, lowerGateLibrary } from './lower.js';
import { parseProgram } from './parser.js';

export { printQasm3 } from './printer.js';

let library: Map<string, GateDef> | undefined;

/** The qelib1.inc gates that are not standard gates, compiled once on first use. */
function gateLibrary(): Map<string, GateDef> {
  library ??= lowerGateLibrary(parseProgram(LIBRARY_SOURCE), LIBRARY_SOURCE);
  return library;
}

/**
 * Parses an OpenQASM 3 or 2 program (the `OPENQASM` line decides; without one, 3) into a Circuit.
 * Throws only QrunError: QASM_SYNTAX, QASM_SEMANTIC or QASM_UNSUPPORTED with `line:column` and the
 * offending line in the message, or CIRCUIT_TOO_LARGE when the program expands beyond the limits.
 */
export function parseQasm(source: string): Circuit {
  try {
    return lower(parseProgram(source), source, gateLibrary());
  } catch (error) {
    if (error instanceof QrunError) throw error;
    // Anything else is a bug in this parser; report it as one rather than as the user's mistake.
    throw new QrunError('INTERNAL', `the OpenQASM parser failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
      hint: 'This is a bug in slurm-qpu; please report it with the program that triggered it.',
    });
  }
}
