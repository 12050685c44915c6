import { pino, type Logger, type DestinationStream } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log record. Tokens and vendor credentials must
 * never reach a log: the handler runs as root and its logs are often world-readable.
 */
export const REDACTED_PATHS: readonly string[] = [
  'token',
  'apiKey',
  'api_key',
  'secret',
  'password',
  'authorization',
  'credentials',
  'env',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.secret',
  '*.password',
  '*.authorization',
  '*.credentials',
  '*.env',
  'headers.authorization',
  '*.headers.authorization',
  // The job's bearer token by its variable name, and the gateway's resolved vendor secrets.
  'QRUN_TOKEN',
  '*.QRUN_TOKEN',
  'secrets',
  '*.secrets',
];

export interface LoggerOptions {
  /** pino level; `silent` disables logging. */
  level?: string;
  /** Component name, e.g. `qpu-hook`, `gateway`, `qrun`. */
  name: string;
  /** Where JSON lines go; defaults to stderr so stdout stays free for results. */
  destination?: DestinationStream;
}

/** The one logger factory. Messages are constant strings; data goes in fields. */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      name: options.name,
      level: options.level ?? 'info',
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
