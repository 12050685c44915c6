/**
 * IBM Cloud IAM for the Compute Service (the shared exchange is src/backends/ibm-iam.ts): tokens are
 * renewed 5 minutes, or a fifth of a short lifetime, before they expire; the key may be IBM's
 * downloaded apikey.json.
 */
import type { HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';
import { ibmIamTokens, type IamTokens } from '../ibm-iam.js';

export type { IamTokens };

/** Renew this long before expiry at most (IBM's tokens live an hour)... */
const MAX_MARGIN_MS = 5 * 60_000;
/** ...and at least this share of a token's lifetime before it, for short-lived tokens. */
const MARGIN_SHARE = 0.2;

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

export function iamTokens(client: HttpClient, secret: SecretValue, now: () => number = Date.now): IamTokens {
  return ibmIamTokens({
    iam: client,
    apiKey: () => apiKeyOf(secret),
    renewAt: (asked, lifetime) => asked + lifetime - Math.min(MAX_MARGIN_MS, lifetime * MARGIN_SHARE),
    badReplyHint: "Check the catalogue's auth_endpoint: it must be IBM Cloud IAM (default https://iam.cloud.ibm.com).",
    now,
  });
}
