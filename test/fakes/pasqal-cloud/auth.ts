/**
 * Pasqal's Auth0 tenant as the fake plays it: `POST /oauth/token` with a form (or JSON) body, the
 * client-credentials grant (`client_id`, `client_secret`, `audience`: a service account, what the
 * backend uses) and Auth0's password-realm grant (`username`, `password`, `realm`, `client_id`: what
 * pasqal-cloud's SDK sends for a user). Tokens are JWT-shaped (header.payload.signature, payload with
 * `exp`) and live `tokenLifetimeSeconds`; errors are Auth0's `{error, error_description}`.
 */
import { randomBytes } from 'node:crypto';

export const PASSWORD_REALM_GRANT = 'http://auth0.com/oauth/grant-type/password-realm';

export interface AuthOptions {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly username: string;
  readonly password: string;
  readonly audience: string;
  readonly tokenLifetimeSeconds: number;
}

export interface AuthError {
  readonly status: number;
  readonly body: { error: string; error_description: string };
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export class Auth {
  readonly #tokens = new Map<string, number>();
  /** Tokens issued so far (tests count exchanges with it). */
  issued = 0;

  constructor(readonly options: AuthOptions) {}

  /** Answers a token request: `{access_token, token_type, expires_in, scope}` or Auth0's error. */
  exchange(form: Record<string, string>): { status: 200; body: Record<string, unknown> } | AuthError {
    const grant = form['grant_type'];
    const fail = (status: number, error: string, description: string): AuthError => ({ status, body: { error, error_description: description } });
    if (grant === 'client_credentials') {
      if (form['client_id'] !== this.options.clientId || form['client_secret'] !== this.options.clientSecret) return fail(401, 'access_denied', 'Unauthorized');
      if (form['audience'] !== this.options.audience) return fail(403, 'access_denied', `Service not enabled within domain: ${form['audience'] ?? ''}`);
    } else if (grant === PASSWORD_REALM_GRANT || grant === 'password') {
      if (form['username'] !== this.options.username || form['password'] !== this.options.password) return fail(403, 'invalid_grant', 'Wrong email or password.');
    } else {
      return fail(403, 'unsupported_grant_type', `Unsupported grant type: ${grant ?? '(none)'}`);
    }
    const exp = Math.floor(Date.now() / 1000) + this.options.tokenLifetimeSeconds;
    const token = `${base64url({ alg: 'HS256', typ: 'JWT' })}.${base64url({ iss: 'https://fake-pasqal-auth/', aud: this.options.audience, exp, sub: grant })}.${randomBytes(16).toString('base64url')}`;
    // Valid for its whole lifetime from now, in ms (exp itself is rounded down to the second).
    this.#tokens.set(token, Date.now() + this.options.tokenLifetimeSeconds * 1000);
    this.issued += 1;
    return { status: 200, body: { access_token: token, token_type: 'Bearer', expires_in: this.options.tokenLifetimeSeconds, scope: 'openid profile email' } };
  }

  check(token: string): 'ok' | 'unknown' | 'expired' {
    const until = this.#tokens.get(token);
    if (until === undefined) return 'unknown';
    return Date.now() < until ? 'ok' : 'expired';
  }

  /** Forgets every token issued (what a key rotation looks like to a client holding one). */
  revokeAll(): void {
    this.#tokens.clear();
  }
}
