/**
 * OAuth client credentials for Pasqal Cloud (its Auth0 tenant): the service account's client id and
 * secret are exchanged for a bearer token (`grant_type=client_credentials` with the API's audience,
 * in a form body, never a URL), kept in memory and exchanged again a minute (or a fifth of a short
 * lifetime) before it expires, or at once when the API refuses it. Concurrent callers share one
 * exchange. Only the token travels to the core API.
 */
import { QrunError } from '../../errors.js';
import type { HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';

/** Renew this long before expiry at most (Pasqal's tokens live hours)... */
const MAX_MARGIN_MS = 60_000;
/** ...and at least this share of a token's lifetime before it, for short-lived tokens. */
const MARGIN_SHARE = 0.2;

export interface PasqalTokens {
  current(signal?: AbortSignal): Promise<string>;
  /** Forgets the token (the API refused it): the next call exchanges the credentials again. */
  invalidate(): void;
}

/** The client secret an admin stores: the bare secret, or a JSON file `{"client_secret": ...}`. */
function clientSecretOf(secret: SecretValue): string {
  const value = secret.reveal().trim();
  if (!value.startsWith('{')) return value;
  try {
    const parsed = JSON.parse(value) as { client_secret?: unknown };
    if (typeof parsed.client_secret === 'string' && parsed.client_secret !== '') return parsed.client_secret;
  } catch {
    // Not JSON after all: taken as the secret itself.
  }
  return value;
}

export interface TokenOptions {
  /** A client whose base URL is the token endpoint's origin. */
  readonly client: HttpClient;
  /** The token endpoint's path (from the catalogue's auth_endpoint). */
  readonly path: string;
  readonly clientId: string;
  readonly secret: SecretValue;
  readonly audience: string;
  readonly now?: () => number;
}

interface Token {
  readonly value: string;
  readonly renewAt: number;
}

export function pasqalTokens(options: TokenOptions): PasqalTokens {
  const now = options.now ?? Date.now;
  const backend = options.client.backend;
  let token: Token | null = null;
  let pending: Promise<Token> | null = null;

  const badReply = (why: string): QrunError =>
    new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: Pasqal's token endpoint answered with ${why}`, {
      hint: "Check the entry's auth_endpoint: it must be Pasqal's OAuth token URL (default https://authenticate.pasqal.cloud/oauth/token).",
      details: { backend },
    });

  async function exchange(signal: AbortSignal | undefined): Promise<Token> {
    const asked = now();
    const reply = await options.client.request<{ access_token?: unknown; expires_in?: unknown } | null>({
      method: 'POST',
      path: options.path,
      form: { grant_type: 'client_credentials', client_id: options.clientId, client_secret: clientSecretOf(options.secret), audience: options.audience },
      // A second exchange yields a second valid token and nothing else: retry it like a read.
      idempotent: true,
      expect: [200],
      responseType: 'json',
      signal,
    });
    const body = reply.body;
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw badReply('no access_token');
    const lifetimeMs = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in * 1000 : 0;
    if (!(lifetimeMs > 0)) throw badReply('no positive expires_in');
    return { value: body.access_token, renewAt: asked + lifetimeMs - Math.min(MAX_MARGIN_MS, lifetimeMs * MARGIN_SHARE) };
  }

  return {
    async current(signal) {
      if (token !== null && now() < token.renewAt) return token.value;
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
