import { pino } from 'pino';
import { createLogger, type Logger } from '../log/logger.js';

/** The handler's log: pino JSON lines appended to <state_dir>/hook.log, one child per request. */
export function createHookLogger(file: string, bindings: Record<string, unknown>): Logger {
  const destination = pino.destination({ dest: file, sync: true, append: true, mkdir: true });
  return createLogger({ name: 'qpu-hook', destination }).child(bindings);
}
