/**
 * Everything one quantum computer needs to be spoken to, built in one place from its catalogue
 * settings and credential: the HTTP client of the project's one layer (its own shared-backoff key)
 * and the typed API.
 */
import { QrunError } from '../../errors.js';
import { createHttpClient, createMemoryBackoff, createSharedBackoff, type HttpTimeouts, type RetryEvent, type RetryPolicy } from '../../http/index.js';
import type { Logger } from '../../log/logger.js';
import { SecretValue } from '../../secrets/value.js';
import { createIqmApi, type IqmApi } from './api.js';
import { DEFAULT_METADATA_TTL_SECS, DEFAULT_TIMESLOT_MINUTES, iqmServerSettingsSchema } from './schema.js';

export interface IqmSettings {
  readonly endpoint: string;
  readonly device: string;
  readonly timeslot: boolean;
  readonly timeslotMinutes: number;
  readonly calibrationSetId: string | undefined;
  readonly metadataTtlMs: number;
  readonly proxy: string | undefined;
}

/** The settings of a catalogue entry, or of a gateway backend (the entry without its shared fields). */
export function iqmSettings(alias: string, fields: Readonly<Record<string, unknown>> | undefined): IqmSettings {
  const parsed = iqmServerSettingsSchema.safeParse(fields ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`).join('; ');
    throw new QrunError('CONFIG_INVALID', `backend ${alias}: ${where}`, { hint: 'Fix the catalogue entry (qrun admin check-config).', details: { backend: alias } });
  }
  const s = parsed.data;
  return {
    endpoint: s.endpoint,
    device: s.device ?? alias,
    timeslot: s.timeslot ?? false,
    timeslotMinutes: s.timeslot_minutes ?? DEFAULT_TIMESLOT_MINUTES,
    calibrationSetId: s.calibration_set_id,
    metadataTtlMs: (s.metadata_ttl_secs ?? DEFAULT_METADATA_TTL_SECS) * 1000,
    proxy: s.https_proxy ?? undefined,
  };
}

const TOKEN_HINT = 'The secret must hold the IQM API token: the token alone, or {"token": "..."} (docs/admin-guide.md, IQM Server).';

/** The API token from the resolved secret: the token itself, or a JSON object with `token`. */
export function parseToken(backend: string, secret: SecretValue | undefined): SecretValue {
  if (secret === undefined || secret.length === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${backend} needs an IQM API token and was given none`, {
      hint: "The catalogue's secret for this backend could not be resolved at job start; ask your admin to check it (qrun admin check-config).",
      details: { backend },
    });
  }
  const text = secret.reveal().trim();
  if (!text.startsWith('{')) {
    // Never echo the text: whatever is wrong with it, it is the token.
    if (/\s/.test(text)) throw new QrunError('SECRET_UNAVAILABLE', `backend ${backend}: the IQM API token holds white space`, { hint: TOKEN_HINT, details: { backend } });
    return new SecretValue(text);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${backend}: the credential starts like JSON and is not JSON`, { hint: TOKEN_HINT, details: { backend } });
  }
  const token = (document as { token?: unknown } | null)?.token;
  if (typeof token !== 'string' || token === '' || /\s/.test(token)) throw new QrunError('SECRET_UNAVAILABLE', `backend ${backend}: the credential has no "token" string`, { hint: TOKEN_HINT, details: { backend } });
  return new SecretValue(token);
}

export interface ConnectOptions {
  /** Epoch ms when the job's allocation ends: nothing is sent past it. */
  readonly deadline?: number | undefined;
  /** Directory for the node-wide shared backoff files; default: this process only. */
  readonly backoffDir?: string | undefined;
  readonly retry?: Partial<RetryPolicy> | undefined;
  readonly timeouts?: Partial<HttpTimeouts> | undefined;
  readonly logger?: Logger | undefined;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

export interface IqmConnection {
  readonly alias: string;
  readonly settings: IqmSettings;
  readonly api: IqmApi;
  close(): Promise<void>;
}

export function connectIqm(alias: string, settings: IqmSettings, token: SecretValue, options: ConnectOptions = {}): IqmConnection {
  const http = createHttpClient({
    backend: alias,
    baseUrl: settings.endpoint,
    proxy: settings.proxy,
    deadline: options.deadline,
    backoff: options.backoffDir === undefined ? createMemoryBackoff(alias) : createSharedBackoff(options.backoffDir, alias),
    retry: options.retry,
    timeouts: options.timeouts,
    logger: options.logger,
    onRetry: options.onRetry,
  });
  return {
    alias,
    settings,
    api: createIqmApi({ http, token, device: settings.device }),
    close: () => http.close(),
  };
}
