/**
 * IBM Cloud IAM: the API key is exchanged for a short-lived bearer token (POST /identity/token,
 * apikey grant), kept in memory and exchanged again shortly before it expires. Only the token travels
 * to the Runtime API; the key goes to IAM alone, in a form body, never in a URL.
 */
import { QrunError } from '../../errors.js';
import type { HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';

export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';
/** Renew this long before expiry at most (IBM's tokens live an hour)... */
const MAX_MARGIN_MS = 5 * 60_000;
/** ...and at least this share of a token's lifetime before it, for short-lived tokens. */
const MARGIN_SHARE = 0.2;

export interface IamTokens {
  /** A token valid for a while yet; exchanges the key when none is or the current one is about to expire. */
  current(signal?: AbortSignal): Promise<string>;
  /** Forgets the token (the Runtime API refused it): the next call exchanges the key again. */
  invalidate(): void;
}

interface Token {
  readonly value: string;
  /** Epoch ms after which a new one is fetched. */
  readonly renewAt: number;
}

/**
 * The key an admin stores: the bare key, or IBM's downloaded apikey.json (`{"name", "apikey", ...}`).
 */
export function apiKeyOf(secret: SecretValue): string {
  const text = secret.reveal().trim();
  if (!text.startsWith('{')) return text;
  try {
    const parsed = JSON.parse(text) as { apikey?: unknown };
    if (typeof parsed.apikey === 'string' && parsed.apikey !== '') return parsed.apikey;
  } catch {
    // Not JSON after all: taken as the key itself.
  }
  return text;
}

function badToken(backend: string): QrunError {
  return new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IBM Cloud IAM answered without an access token`, {
    hint: "Check the catalogue's auth_endpoint: it must be IBM Cloud IAM (default https://iam.cloud.ibm.com).",
    details: { backend },
  });
}

export function iamTokens(client: HttpClient, secret: SecretValue, now: () => number = Date.now): IamTokens {
  let token: Token | null = null;
  let pending: Promise<Token> | null = null;

  async function exchange(signal: AbortSignal | undefined): Promise<Token> {
    const asked = now();
    const reply = await client.request<{ access_token?: unknown; expires_in?: unknown; expiration?: unknown }>({
      method: 'POST',
      path: '/identity/token',
      form: { grant_type: APIKEY_GRANT, apikey: apiKeyOf(secret) },
      // A second grant is harmless: retry it like a read.
      idempotent: true,
      responseType: 'json',
      signal,
    });
    const body = reply.body;
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw badToken(client.backend);
    const lifetimeMs =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in * 1000
        : typeof body.expiration === 'number'
          ? Math.max(0, body.expiration * 1000 - asked)
          : 0;
    const margin = Math.min(MAX_MARGIN_MS, lifetimeMs * MARGIN_SHARE);
    return { value: body.access_token, renewAt: asked + lifetimeMs - margin };
  }

  return {
    async current(signal) {
      if (token !== null && now() < token.renewAt) return token.value;
      // Concurrent callers share one exchange.
      pending ??= exchange(signal).finally(() => {
        pending = null;
      });
      token = await pending;
      return token.value;
    },
    invalidate() {
      token = null;
    },
  };
}
