/**
 * IBM Cloud IAM for the IBM backends: the API key is exchanged for a short-lived bearer token
 * (`POST /identity/token`, apikey grant), kept in memory and exchanged again before it expires.
 * Concurrent callers share one exchange. Only the token travels to the vendor's API; the key goes to
 * IAM alone, in a form body, never in a URL. Each backend says when to renew and how IAM's refusals
 * read for its users.
 */
import { QrunError } from '../errors.js';
import { isHttpStatusError, type HttpClient, type HttpStatusError } from '../http/index.js';

export const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

export interface IamTokens {
  /** A token valid for a while yet; exchanges the key when none is or the current one is about to expire. */
  current(signal?: AbortSignal): Promise<string>;
  /** Forgets the token (the API refused it): the next call exchanges the key again. With a token, only if it is still the current one. */
  invalidate(token?: string): void;
}

export interface IamTokenOptions {
  /** A client whose base URL is the IAM endpoint. */
  readonly iam: HttpClient;
  /** The API key, read only when it is sent. */
  readonly apiKey: () => string;
  /** When to renew a token asked for at `askedMs` that lives `lifetimeMs`. */
  readonly renewAt: (askedMs: number, lifetimeMs: number) => number;
  /** IAM's refusals as the backend's users should read them; default: as the HTTP layer reports them. */
  readonly mapError?: ((error: HttpStatusError) => Error) | undefined;
  /** What to check when IAM answers without a usable token (names the catalogue field). */
  readonly badReplyHint: string;
  readonly now?: (() => number) | undefined;
}

interface Token {
  readonly value: string;
  /** Epoch ms after which a new one is fetched. */
  readonly renewAt: number;
}

export function ibmIamTokens(options: IamTokenOptions): IamTokens {
  const now = options.now ?? Date.now;
  const backend = options.iam.backend;
  let token: Token | null = null;
  let pending: Promise<Token> | null = null;

  const badReply = (why: string): QrunError =>
    new QrunError('UPSTREAM_BAD_RESPONSE', `${backend}: IBM Cloud IAM answered the token request with ${why}`, { hint: options.badReplyHint, details: { backend } });

  async function exchange(signal: AbortSignal | undefined): Promise<Token> {
    const asked = now();
    let reply;
    try {
      reply = await options.iam.request<{ access_token?: unknown; expires_in?: unknown; expiration?: unknown } | null>({
        method: 'POST',
        path: '/identity/token',
        form: { grant_type: APIKEY_GRANT, apikey: options.apiKey() },
        // Exchanging the key twice yields two valid tokens and nothing else: retry it like a read.
        idempotent: true,
        expect: [200],
        responseType: 'json',
        signal,
      });
    } catch (error) {
      throw options.mapError !== undefined && isHttpStatusError(error) ? options.mapError(error) : error;
    }
    const body = reply.body;
    if (typeof body?.access_token !== 'string' || body.access_token === '') throw badReply('no access_token');
    const lifetimeMs =
      typeof body.expires_in === 'number' && body.expires_in > 0
        ? body.expires_in * 1000
        : typeof body.expiration === 'number'
          ? body.expiration * 1000 - asked
          : 0;
    if (!(lifetimeMs > 0)) throw badReply('no positive expires_in');
    return { value: body.access_token, renewAt: options.renewAt(asked, lifetimeMs) };
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
    invalidate(which) {
      if (which === undefined || token?.value === which) token = null;
    },
  };
}
