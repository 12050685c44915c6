/**
 * One thing `qrun admin doctor` looked at. A finding that is not ok always says how to fix it, in
 * words an admin can act on (a command to run, a line to add).
 */
type FindingStatus = 'ok' | 'warn' | 'fail' | 'skip';

export interface Finding {
  /** Stable identifier of the check, for scripts: plugin.loaded, capacity.sim, secret.ibm ... */
  readonly check: string;
  readonly status: FindingStatus;
  readonly message: string;
  /** How to fix it; present whenever status is warn or fail. */
  readonly fix?: string;
}

export function ok(check: string, message: string): Finding {
  return { check, status: 'ok', message };
}

export function fail(check: string, message: string, fix: string): Finding {
  return { check, status: 'fail', message, fix };
}

export function warn(check: string, message: string, fix: string): Finding {
  return { check, status: 'warn', message, fix };
}

export function skip(check: string, message: string, fix?: string): Finding {
  return fix === undefined ? { check, status: 'skip', message } : { check, status: 'skip', message, fix };
}
