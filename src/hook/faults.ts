/**
 * Named fault points for the crash tests (docs/reliability.md): `faultPoint('acquire:after-claim')`
 * does nothing unless fault injection is switched on for this state directory, and the switch is a
 * file only the dev cluster writes (`<state_dir>/fault-injection`, root-only, holding `enabled`). A
 * production node has no such file, so no variable and no user input can make the handler fail on
 * purpose there.
 *
 * With the switch on, a fault is armed either by QPU_FAULT=<point>:<action>[,...] in the handler's
 * environment (fires every time; for tests that run the handler themselves) or by a file
 * `<state_dir>/faults/<point>` holding the action, consumed by the first handler that reaches the
 * point (the shim fixes the handler's environment, so tests under Slurm arm faults this way).
 *
 * Actions: `kill` (SIGKILL: the handler dies mid-step, as when the shim's timeout kills it), `hang`
 * (never returns: the shim's timeout ends it), `throw` (an error, the path of a failed vendor call).
 */
import { readFileSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { QrunError } from '../errors.js';

export const FAULT_POINTS = [
  'acquire:after-journal',
  'acquire:after-claim',
  'acquire:after-session',
  'acquire:after-gateway',
  'acquire:before-reply',
  'release:after-journal',
  'release:after-session-close',
  'release:after-gateway-stop',
  'release:after-lanes',
] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

const FAULT_ACTIONS = ['kill', 'hang', 'throw'] as const;
type FaultAction = (typeof FAULT_ACTIONS)[number];

/** The switch file's name under state_dir, and the directory of armed faults. */
export const FAULT_SWITCH = 'fault-injection';
export const FAULT_DIR = 'faults';

interface FaultConfig {
  readonly stateDir: string;
  readonly fromEnv: ReadonlyMap<string, FaultAction>;
}

let config: FaultConfig | null = null;

function isAction(value: string): value is FaultAction {
  return (FAULT_ACTIONS as readonly string[]).includes(value);
}

function parseSpec(spec: string | undefined): Map<string, FaultAction> {
  const faults = new Map<string, FaultAction>();
  for (const item of (spec ?? '').split(',').map((s) => s.trim()).filter(Boolean)) {
    const cut = item.lastIndexOf(':');
    const action = item.slice(cut + 1);
    if (cut > 0 && isAction(action)) faults.set(item.slice(0, cut), action);
  }
  return faults;
}

/**
 * Reads the switch once per handler run (one failed open on a production node). `env` is the
 * handler's own environment, consulted only when the switch is on.
 */
export function configureFaults(stateDir: string, env: Readonly<Record<string, string | undefined>>): boolean {
  let enabled: boolean;
  try {
    enabled = readFileSync(join(stateDir, FAULT_SWITCH), 'utf8').trim() === 'enabled';
  } catch {
    enabled = false;
  }
  config = enabled ? { stateDir, fromEnv: parseSpec(env['QPU_FAULT']) } : null;
  return enabled;
}

function armedAction(point: FaultPoint, active: FaultConfig): FaultAction | undefined {
  const fromEnv = active.fromEnv.get(point);
  if (fromEnv !== undefined) return fromEnv;
  const file = join(active.stateDir, FAULT_DIR, point);
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
    // Consumed by whoever unlinks it first: one armed fault fires once.
    unlinkSync(file);
  } catch {
    return undefined;
  }
  return isAction(text) ? text : 'kill';
}

export async function faultPoint(point: FaultPoint): Promise<void> {
  if (config === null) return;
  const action = armedAction(point, config);
  if (action === undefined) return;
  process.stderr.write(`qpu-hook: fault injected at ${point}: ${action}\n`);
  if (action === 'kill') process.kill(process.pid, 'SIGKILL');
  if (action === 'hang') await new Promise<never>(() => setInterval(() => undefined, 60_000));
  throw new QrunError('INTERNAL', `fault injected at ${point}`);
}
