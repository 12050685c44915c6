/**
 * Bearer tokens for the Quantum System API from IBM Cloud IAM: the API key is exchanged
 * (`POST {iam}/identity/token`, grant type apikey) for a token that is kept until 90 % of its
 * lifetime has passed, then exchanged again. Concurrent callers share one exchange. A 401 from the
 * API drops the token (the service may have revoked it before its time), so the next call logs in.
 */
import { QrunError } from '../../errors.js';
import { isHttpStatusError, type HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';
import { mapIamError } from './errors.js';

const IAM_GRANT_TYPE = 'urn:ibm:params:oauth:grant-type:apikey';
/** Renew at this share of the token's lifetime, leaving room for calls already on their way. */
const RENEW_AT = 0.9;

export interface TokenSource {
  /** A valid bearer token, from cache or a fresh exchange. */
  current(signal?: AbortSignal): Promise<string>;
  /** Forgets the cached token; the next `current` exchanges the key again. */
  invalidate(token: string): void;
}

export interface IamTokenOptions {
  /** A client whose base URL is the IAM endpoint. */
  readonly iam: HttpClient;
  readonly apiKey: SecretValue;
  readonly now?: () => number;
}

interface Cached {
  readonly token: string;
  readonly renewAt: number;
}

function badReply(backend: string, why: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IBM Cloud IAM answered the token request with ${why}`, {
    hint: 'Check iam_endpoint in the catalogue: it must be IBM Cloud IAM (or the deployment\'s own IAM), not the API.',
    details: { backend },
  });
}

export function createIamTokens(options: IamTokenOptions): TokenSource {
  const now = options.now ?? Date.now;
  const backend = options.iam.backend;
  let cached: Cached | null = null;
  let pending: Promise<Cached> | null = null;

  async function exchange(signal: AbortSignal | undefined): Promise<Cached> {
    const asked = now();
    let reply;
    try {
      reply = await options.iam.request<unknown>({
        method: 'POST',
        path: '/identity/token',
        form: { grant_type: IAM_GRANT_TYPE, apikey: options.apiKey.reveal() },
        // Exchanging the key twice yields two valid tokens and nothing else.
        idempotent: true,
        expect: [200],
        signal,
      });
    } catch (error) {
      throw isHttpStatusError(error) ? mapIamError(error) : error;
    }
    const body = reply.body as Record<string, unknown> | null;
    const token = body?.['access_token'];
    const lifetime = body?.['expires_in'];
    if (typeof token !== 'string' || token === '') throw badReply(backend, 'no access_token');
    if (typeof lifetime !== 'number' || !(lifetime > 0)) throw badReply(backend, 'no positive expires_in');
    return { token, renewAt: asked + lifetime * 1000 * RENEW_AT };
  }

  return {
    async current(signal) {
      if (cached !== null && now() < cached.renewAt) return cached.token;
      pending ??= exchange(signal).finally(() => {
        pending = null;
      });
      cached = await pending;
      return cached.token;
    },
    invalidate(token) {
      if (cached?.token === token) cached = null;
    },
  };
}
