import type { BackendEntry } from '../config/catalogue.js';
import type { GresHeld, SlurmJobFacts } from '../slurm/job.js';

/**
 * Fails closed: a backend is usable only when Slurm has handed the job the capacity the catalogue
 * names for it (GRES qpu:<type> or a license), so Slurm's count is the one limit that holds.
 */

export interface CapacityProblem {
  readonly alias: string;
  /** What Slurm should have granted, e.g. `GRES qpu:sim` or `license qpu_sim_shared`. */
  readonly need: string;
  /** The line to add to the job script. */
  readonly fix: string;
}

export function capacityNeed(entry: BackendEntry): { kind: 'gres' | 'license'; name: string } {
  return entry.capacity.gres !== undefined
    ? { kind: 'gres', name: entry.capacity.gres }
    : { kind: 'license', name: entry.capacity.license ?? '' };
}

/**
 * The GRES the job holds on this node: the `-d` group naming the node (its full or short host
 * name), or the only group when every node holds the same. GRES is counted per node, so a job over
 * two nodes with `--gres=qpu:sim:1` holds one unit here although JOB_GRES says 2. Undefined when
 * several groups differ and none names this node: which share is ours cannot be told.
 */
export function nodeShare(facts: Pick<SlurmJobFacts, 'gres' | 'perNode'>, hostname: string): readonly GresHeld[] | undefined {
  const groups = facts.perNode;
  // An answer without detail groups (older output) holds only job-wide counts.
  if (groups === undefined) return facts.gres;
  const short = hostname.split('.')[0] ?? hostname;
  const mine = groups.find((g) => g.nodes.includes(hostname)) ?? groups.find((g) => g.nodes.includes(short));
  if (mine !== undefined) return mine.gres;
  return groups.length === 1 ? groups[0]?.gres : undefined;
}

/** What Slurm granted on this node: its own GRES share and the job's licenses (counted cluster-wide). */
export interface NodeCapacity {
  readonly gres: readonly GresHeld[];
  readonly licenses: SlurmJobFacts['licenses'];
}

export function missingCapacity(requested: ReadonlyArray<{ alias: string; entry: BackendEntry }>, facts: NodeCapacity): CapacityProblem[] {
  // Backends that share one GRES type or license each need one unit of it.
  const wanted = new Map<string, number>();
  for (const { entry } of requested) {
    const need = capacityNeed(entry);
    const key = `${need.kind}:${need.name}`;
    wanted.set(key, (wanted.get(key) ?? 0) + 1);
  }
  const problems: CapacityProblem[] = [];
  for (const { alias, entry } of requested) {
    const need = capacityNeed(entry);
    const units = wanted.get(`${need.kind}:${need.name}`) ?? 1;
    if (need.kind === 'gres') {
      const held = facts.gres.filter((g) => g.name === 'qpu' && g.type === need.name).reduce((sum, g) => sum + g.count, 0);
      if (held < units) {
        // --gres counts per node: the fix is the same line whatever the node count.
        problems.push({ alias, need: `GRES qpu:${need.name}`, fix: `#SBATCH --gres=qpu:${need.name}:${units}` });
      }
    } else {
      const held = facts.licenses.filter((l) => l.name === need.name).reduce((sum, l) => sum + l.count, 0);
      if (held < units) problems.push({ alias, need: `license ${need.name}`, fix: `#SBATCH -L ${need.name}:${units}` });
    }
  }
  return problems;
}

/** One line for the user: what is missing and what to add. */
export function describeCapacityProblems(problems: readonly CapacityProblem[]): string {
  const what = problems.map((p) => `backend '${p.alias}' needs ${p.need}`).join('; ');
  const fixes = [...new Set(problems.map((p) => `\`${p.fix}\``))].join(' and ');
  return `this job does not hold the Slurm capacity for its QPU (${what}): add ${fixes} to the job script (or the same option to srun/salloc)`;
}
