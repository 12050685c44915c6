import { pino } from 'pino';
import { createLogger, type Logger } from '../log/logger.js';

/** The handler's log: pino JSON lines appended to <state_dir>/hook.log, one child per request. */
export function createHookLogger(file: string, bindings: Record<string, unknown>): Logger {
  return openHookLog(file).log.child(bindings);
}

/**
 * The hook log held open (the resident service): `reopen` starts a new file at the same path, so a
 * log rotated by renaming it (logrotate without copytruncate) gets new lines after a SIGHUP.
 */
export function openHookLog(file: string): { readonly log: Logger; reopen(): void } {
  const destination = pino.destination({ dest: file, sync: true, append: true, mkdir: true });
  return { log: createLogger({ name: 'qpu-hook', destination }), reopen: () => destination.reopen() };
}
