/**
 * Everything one device needs to be spoken to, built in one place from its catalogue settings and
 * credential: three HTTP clients of the project's one layer (the API, IAM and the job store, each an
 * origin of its own with its own shared-backoff key), the token source, the typed API and the store.
 */
import { QrunError } from '../../errors.js';
import { createHttpClient, createMemoryBackoff, createSharedBackoff, type HttpClient, type HttpTimeouts, type RetryEvent, type RetryPolicy } from '../../http/index.js';
import type { Logger } from '../../log/logger.js';
import { createIamTokens, type TokenSource } from './auth.js';
import { createQsApi, type QsApi } from './api.js';
import type { IbmSystemCredentials } from './credentials.js';
import { DEFAULT_IAM_ENDPOINT, DEFAULT_LANE_WAIT_SECS, DEFAULT_S3_REGION, DEFAULT_TIMEOUT_SECS, ibmQuantumSystemSettingsSchema } from './schema.js';
import { createJobStore, type JobStore } from './storage.js';

/** A device's settings with every default applied. */
export interface DeviceSettings {
  readonly endpoint: string;
  readonly iamEndpoint: string;
  readonly device: string;
  readonly timeoutSecs: number;
  readonly laneWaitSecs: number;
  readonly logLevel: string | undefined;
  readonly s3Endpoint: string;
  readonly s3EndpointForService: string | undefined;
  readonly s3Bucket: string;
  readonly s3Region: string;
  readonly proxy: string | undefined;
}

/** The settings of a catalogue entry, or of a gateway backend (the entry without its shared fields). */
export function deviceSettings(alias: string, fields: Readonly<Record<string, unknown>> | undefined): DeviceSettings {
  const parsed = ibmQuantumSystemSettingsSchema.safeParse(fields ?? {});
  if (!parsed.success) {
    const where = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(entry)'}: ${issue.message}`).join('; ');
    throw new QrunError('CONFIG_INVALID', `backend ${alias}: ${where}`, { hint: 'Fix the catalogue entry (qrun admin check-config).', details: { backend: alias } });
  }
  const s = parsed.data;
  return {
    endpoint: s.endpoint,
    iamEndpoint: s.iam_endpoint ?? DEFAULT_IAM_ENDPOINT,
    device: s.device ?? alias,
    timeoutSecs: s.timeout_secs ?? DEFAULT_TIMEOUT_SECS,
    laneWaitSecs: s.lane_wait_secs ?? DEFAULT_LANE_WAIT_SECS,
    logLevel: s.log_level,
    s3Endpoint: s.s3_endpoint,
    s3EndpointForService: s.s3_endpoint_for_service,
    s3Bucket: s.s3_bucket,
    s3Region: s.s3_region ?? DEFAULT_S3_REGION,
    proxy: s.https_proxy ?? undefined,
  };
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

export interface DeviceConnection {
  readonly alias: string;
  readonly settings: DeviceSettings;
  readonly api: QsApi;
  readonly store: JobStore;
  readonly tokens: TokenSource;
  /** Cancels calls still on the wire and closes every socket. */
  close(): Promise<void>;
}

export function connectDevice(alias: string, settings: DeviceSettings, credentials: IbmSystemCredentials, options: ConnectOptions = {}): DeviceConnection {
  const client = (baseUrl: string, key: string): HttpClient =>
    createHttpClient({
      backend: alias,
      baseUrl,
      proxy: settings.proxy,
      deadline: options.deadline,
      backoff: options.backoffDir === undefined ? createMemoryBackoff(key) : createSharedBackoff(options.backoffDir, key),
      retry: options.retry,
      timeouts: options.timeouts,
      logger: options.logger,
      onRetry: options.onRetry,
    });
  const clients: HttpClient[] = [];
  try {
    const apiHttp = client(settings.endpoint, alias);
    clients.push(apiHttp);
    // IAM is shared by every IBM backend on the node: one limit there must not stall this device's API.
    const iamHttp = client(settings.iamEndpoint, 'ibm-iam');
    clients.push(iamHttp);
    const storeHttp = client(settings.s3Endpoint, `${alias}-store`);
    clients.push(storeHttp);
    const tokens = createIamTokens({ iam: iamHttp, apiKey: credentials.apiKey });
    return {
      alias,
      settings,
      tokens,
      api: createQsApi({ http: apiHttp, tokens, serviceCrn: credentials.serviceCrn, device: settings.device }),
      store: createJobStore({
        http: storeHttp,
        serviceEndpoint: settings.s3EndpointForService,
        bucket: settings.s3Bucket,
        region: settings.s3Region,
        accessKeyId: credentials.s3AccessKeyId,
        secretAccessKey: credentials.s3SecretAccessKey,
      }),
      async close() {
        await Promise.all(clients.map((c) => c.close()));
      },
    };
  } catch (error) {
    void Promise.all(clients.map((c) => c.close()));
    throw error;
  }
}
