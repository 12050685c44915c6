import type { Lease } from './journal.js';

/**
 * The variables every task of a QPU job gets (docs/job-environment.md). Only QRUN_* and
 * SLURM_JOB_QPU_* names pass the shim. Never a vendor credential or an endpoint override.
 */
export function jobEnvironment(lease: Lease): Record<string, string> {
  const aliases = lease.backends.map((b) => b.alias).join(',');
  return {
    QRUN_BACKENDS: aliases,
    QRUN_ENDPOINT: lease.endpoint,
    QRUN_TOKEN: lease.token,
    ...(lease.deadline === null ? {} : { QRUN_DEADLINE: String(lease.deadline) }),
    // Names the IBM QRMI SPANK plugin uses, for tools written against it.
    SLURM_JOB_QPU_RESOURCES: aliases,
    SLURM_JOB_QPU_TYPES: lease.backends.map((b) => b.type).join(','),
  };
}
