/**
 * The QPU capacity Slurm actually hands out: GRES on each node (`scontrol show node -o`) and
 * cluster-wide licenses (`scontrol show lic -o`). The admin commands compare them with the
 * catalogue's lanes, since the hook trusts Slurm's count.
 */
import { QrunError } from '../errors.js';
import { parseGresList, type GresHeld } from './job.js';
import { scontrol, type ScontrolCall } from './scontrol.js';

export interface NodeGres {
  readonly node: string;
  /** The node's configured GRES (Gres=), not what jobs hold now. */
  readonly gres: readonly GresHeld[];
  readonly state: string;
}

export interface LicenseTotal {
  readonly name: string;
  readonly total: number;
}

function fields(line: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const token of line.trim().split(/\s+/)) {
    const eq = token.indexOf('=');
    if (eq > 0 && !out.has(token.slice(0, eq))) out.set(token.slice(0, eq), token.slice(eq + 1));
  }
  return out;
}

export function parseShowNodes(text: string): NodeGres[] {
  return text
    .split('\n')
    .filter((line) => /^NodeName=/.test(line))
    .map((line) => {
      const f = fields(line);
      return { node: f.get('NodeName') ?? '', gres: parseGresList(f.get('Gres') ?? ''), state: f.get('State') ?? '' };
    });
}

export function parseShowLicenses(text: string): LicenseTotal[] {
  return text
    .split('\n')
    .filter((line) => /^LicenseName=/.test(line))
    .map((line) => {
      const f = fields(line);
      return { name: f.get('LicenseName') ?? '', total: Number(f.get('Total') ?? 0) };
    });
}

async function show(args: readonly string[], call: ScontrolCall): Promise<string> {
  const result = await scontrol(args, call);
  if (!result.ok) {
    // An empty license table is printed as a complaint, not as nothing.
    if (args[1] === 'lic' && /No licenses configured/i.test(result.error)) return '';
    throw new QrunError('SLURM_COMMAND_FAILED', `scontrol ${args.join(' ')} failed: ${result.error}`, {
      hint: 'Check that slurmctld answers (scontrol ping).',
    });
  }
  return result.stdout;
}

export async function nodeGres(call: ScontrolCall = {}): Promise<NodeGres[]> {
  return parseShowNodes(await show(['show', 'node', '-o'], call));
}

export async function licenseTotals(call: ScontrolCall = {}): Promise<LicenseTotal[]> {
  return parseShowLicenses(await show(['show', 'lic', '-o'], call));
}
