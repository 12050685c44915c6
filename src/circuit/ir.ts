/**
 * The circuit IR: what the OpenQASM parser produces and every engine, the circuit-fit check and the
 * mitigation pipeline consume. It is deliberately small: custom `gate` definitions are either mapped
 * to a standard gate (when the name and arity match one in STANDARD_GATES) or inlined, so consumers
 * only ever see standard gates.
 */

/** A parameter expression. Angles stay symbolic until bound, so one parse serves a whole sweep. */
export type Expr =
  | { readonly kind: 'num'; readonly value: number }
  | { readonly kind: 'param'; readonly name: string }
  | { readonly kind: 'neg'; readonly arg: Expr }
  | { readonly kind: 'bin'; readonly op: '+' | '-' | '*' | '/' | '**'; readonly left: Expr; readonly right: Expr }
  | { readonly kind: 'call'; readonly fn: ExprFunction; readonly arg: Expr };

export type ExprFunction = 'sin' | 'cos' | 'tan' | 'arcsin' | 'arccos' | 'arctan' | 'exp' | 'ln' | 'sqrt';

export interface GateOp {
  readonly kind: 'gate';
  /** A key of STANDARD_GATES. */
  readonly name: string;
  /** Compact qubit indices, 0..numQubits-1. For controlled gates, controls come first. */
  readonly qubits: readonly number[];
  readonly params: readonly Expr[];
}

interface MeasureOp {
  readonly kind: 'measure';
  readonly qubit: number;
  /** Global classical bit index (see Circuit.clbitRegisters). */
  readonly clbit: number;
}

interface ResetOp {
  readonly kind: 'reset';
  readonly qubit: number;
}

export interface BarrierOp {
  readonly kind: 'barrier';
  readonly qubits: readonly number[];
}

export interface DelayOp {
  readonly kind: 'delay';
  readonly qubits: readonly number[];
  /** Duration as written: `dt` is device ticks, the rest are SI units. */
  readonly duration: { readonly value: number; readonly unit: 'dt' | 's' | 'ms' | 'us' | 'ns' };
}

/**
 * `if (c == 3) {...} else {...}` or `if (c[0]) {...}`: the integer formed by `clbits` (clbits[i] is
 * bit i) is compared with `value`.
 */
export interface IfOp {
  readonly kind: 'if';
  readonly condition: { readonly clbits: readonly number[]; readonly value: number };
  readonly then: readonly Op[];
  readonly else: readonly Op[];
  /**
   * Set only on the test a `while` loop makes after its last allowed iteration (loops are unrolled
   * into nested ifs): when the condition still holds there, the shot fails with QASM_LOOP_LIMIT
   * instead of leaving the loop early and giving a wrong result. Both branches are then empty.
   */
  readonly loopLimit?: LoopLimit;
}

/** The hint of QASM_LOOP_LIMIT in a shot, the same from both engines. */
export const LOOP_LIMIT_HINT = 'A loop on measured bits that needs this many rounds is almost certainly stuck: check that its body can change the condition.';

export interface LoopLimit {
  readonly iterations: number;
  /** Where the loop starts in the program, for the message. */
  readonly line: number;
  readonly column: number;
}

export type Op = GateOp | MeasureOp | ResetOp | BarrierOp | DelayOp | IfOp;

export interface ClassicalRegister {
  readonly name: string;
  readonly size: number;
  /** Global index of this register's bit 0. Registers are laid out in declaration order. */
  readonly offset: number;
}

export interface Circuit {
  readonly numQubits: number;
  readonly numClbits: number;
  readonly clbitRegisters: readonly ClassicalRegister[];
  /** `input float[64]` names in declaration order: parameter column k binds parameters[k]. */
  readonly parameters: readonly string[];
  /**
   * For circuits written on physical qubits (`$k`): physicalQubits[i] is the device qubit that compact
   * index i stands for. null when the circuit uses virtual qubits (`qubit[n] q`, `qreg`).
   */
  readonly physicalQubits: readonly number[] | null;
  readonly ops: readonly Op[];
}

/** Arity and parameter count of every gate an engine must implement. */
export interface GateSpec {
  readonly qubits: number;
  readonly params: number;
}

export const STANDARD_GATES = {
  id: { qubits: 1, params: 0 },
  x: { qubits: 1, params: 0 },
  y: { qubits: 1, params: 0 },
  z: { qubits: 1, params: 0 },
  h: { qubits: 1, params: 0 },
  s: { qubits: 1, params: 0 },
  sdg: { qubits: 1, params: 0 },
  t: { qubits: 1, params: 0 },
  tdg: { qubits: 1, params: 0 },
  sx: { qubits: 1, params: 0 },
  sxdg: { qubits: 1, params: 0 },
  rx: { qubits: 1, params: 1 },
  ry: { qubits: 1, params: 1 },
  rz: { qubits: 1, params: 1 },
  p: { qubits: 1, params: 1 },
  u1: { qubits: 1, params: 1 },
  u2: { qubits: 1, params: 2 },
  u3: { qubits: 1, params: 3 },
  u: { qubits: 1, params: 3 },
  cx: { qubits: 2, params: 0 },
  cy: { qubits: 2, params: 0 },
  cz: { qubits: 2, params: 0 },
  ch: { qubits: 2, params: 0 },
  swap: { qubits: 2, params: 0 },
  iswap: { qubits: 2, params: 0 },
  ecr: { qubits: 2, params: 0 },
  cp: { qubits: 2, params: 1 },
  crx: { qubits: 2, params: 1 },
  cry: { qubits: 2, params: 1 },
  crz: { qubits: 2, params: 1 },
  cu: { qubits: 2, params: 4 },
  rxx: { qubits: 2, params: 1 },
  ryy: { qubits: 2, params: 1 },
  rzz: { qubits: 2, params: 1 },
  rzx: { qubits: 2, params: 1 },
  ccx: { qubits: 3, params: 0 },
  ccz: { qubits: 3, params: 0 },
  cswap: { qubits: 3, params: 0 },
} as const satisfies Record<string, GateSpec>;

export type StandardGateName = keyof typeof STANDARD_GATES;

export function isStandardGate(name: string): name is StandardGateName {
  return Object.hasOwn(STANDARD_GATES, name);
}

const FUNCTIONS: Record<ExprFunction, (x: number) => number> = {
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  arcsin: Math.asin,
  arccos: Math.acos,
  arctan: Math.atan,
  exp: Math.exp,
  ln: Math.log,
  sqrt: Math.sqrt,
};

/** Evaluates an expression; `bindings` maps parameter names to values. Throws on an unbound name. */
export function evalExpr(expr: Expr, bindings: ReadonlyMap<string, number>): number {
  switch (expr.kind) {
    case 'num':
      return expr.value;
    case 'param': {
      const value = bindings.get(expr.name);
      if (value === undefined) throw new RangeError(`parameter ${expr.name} has no value`);
      return value;
    }
    case 'neg':
      return -evalExpr(expr.arg, bindings);
    case 'call':
      return FUNCTIONS[expr.fn](evalExpr(expr.arg, bindings));
    case 'bin': {
      const l = evalExpr(expr.left, bindings);
      const r = evalExpr(expr.right, bindings);
      switch (expr.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          return l / r;
        case '**':
          return l ** r;
      }
    }
  }
}
