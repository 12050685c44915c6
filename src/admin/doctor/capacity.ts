/**
 * The catalogue's lanes against the count Slurm hands out. The hook trusts Slurm's count, so a
 * difference either wastes a device (Slurm counts fewer) or queues jobs the device cannot take at
 * once (Slurm counts more).
 */
import type { Catalogue } from '../../config/catalogue.js';
import type { LicenseTotal, NodeGres } from '../../slurm/capacity.js';
import { fail, ok, type Finding } from './finding.js';

export interface SlurmCapacity {
  readonly nodes: readonly NodeGres[];
  readonly licenses: readonly LicenseTotal[];
  /** slurm.conf's GresTypes. */
  readonly gresTypes: readonly string[];
}

export function capacityFindings(catalogue: Catalogue, slurm: SlurmCapacity): Finding[] {
  const findings: Finding[] = [];
  const anyGres = Object.values(catalogue.backends).some((e) => e.capacity.gres !== undefined);
  if (anyGres && !slurm.gresTypes.includes('qpu')) {
    findings.push(fail('capacity.gres_types', `slurm.conf's GresTypes (${slurm.gresTypes.join(',') || 'none'}) lacks qpu`, 'Add qpu to GresTypes= in slurm.conf (GresTypes=qpu,...), then restart slurmctld and slurmd.'));
  }
  for (const [alias, entry] of Object.entries(catalogue.backends)) {
    const check = `capacity.${alias}`;
    const lanes = entry.capacity.lanes;
    if (entry.capacity.gres !== undefined) {
      const type = entry.capacity.gres;
      const offering = slurm.nodes
        .map((n) => ({ node: n.node, count: n.gres.filter((g) => g.name === 'qpu' && g.type === type).reduce((s, g) => s + g.count, 0) }))
        .filter((n) => n.count > 0);
      if (offering.length === 0) {
        findings.push(fail(check, `${alias}: no node offers GRES qpu:${type}`, `Add Gres=qpu:${type}:${lanes} to the NodeName line of the nodes that reach it (and "Name=qpu Type=${type} Count=${lanes}" to their gres.conf), then scontrol reconfigure.`));
        continue;
      }
      const wrong = offering.filter((n) => n.count !== lanes);
      if (wrong.length > 0) {
        const list = wrong.map((n) => `${n.node} has qpu:${type}:${n.count}`).join(', ');
        findings.push(fail(check, `${alias}: the catalogue gives ${lanes} lanes but ${list}`, `Make them equal: Gres=qpu:${type}:${lanes} on the NodeName line and Count=${lanes} in gres.conf (then scontrol reconfigure), or set backends.${alias}.capacity.lanes to what the device really takes.`));
      } else {
        findings.push(ok(check, `${alias}: GRES qpu:${type}:${lanes} on ${offering.map((n) => n.node).join(', ')}, as the catalogue says`));
      }
    } else if (entry.capacity.license !== undefined) {
      const name = entry.capacity.license;
      const license = slurm.licenses.find((l) => l.name === name);
      if (license === undefined) {
        findings.push(fail(check, `${alias}: Slurm has no license ${name}`, `Add ${name}:${lanes} to Licenses= in slurm.conf (or create it in slurmdbd: sacctmgr add resource ${name} count=${lanes} server=qpu type=license), then scontrol reconfigure.`));
      } else if (license.total !== lanes) {
        findings.push(fail(check, `${alias}: the catalogue gives ${lanes} lanes but license ${name} counts ${license.total}`, `Make them equal: Licenses=${name}:${lanes} in slurm.conf (then scontrol reconfigure), or set backends.${alias}.capacity.lanes to ${license.total}.`));
      } else {
        findings.push(ok(check, `${alias}: license ${name}:${lanes}, as the catalogue says`));
      }
    }
  }
  return findings;
}
