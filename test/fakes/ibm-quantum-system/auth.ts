/**
 * Who may call: IBM Cloud IAM (`POST /identity/token`, form `grant_type=urn:ibm:params:oauth:grant-type:apikey`
 * and `apikey`, answered on this same server so one URL serves both) and, for older deployments, the
 * deprecated App ID login (`POST /v1/token` with Basic auth). Every API call then carries
 * `Authorization: Bearer <token>`; IAM tokens also need `Service-CRN` naming this instance.
 */
import { randomBytes } from 'node:crypto';
import { apiError } from './errors.js';
import { header, json, type FakeRequest, type Reply } from './http.js';

export const IAM_GRANT_TYPE = 'urn:ibm:params:oauth:grant-type:apikey';

export interface AuthCredentials {
  readonly apiKey: string;
  readonly serviceCrn: string;
  /** App ID login for `POST /v1/token` (deprecated by the API, kept for older clients). */
  readonly appId: { readonly username: string; readonly password: string };
}

interface Token {
  readonly expiresAt: number;
  readonly via: 'iam' | 'appid';
}

export class Auth {
  readonly credentials: AuthCredentials;
  readonly #tokens = new Map<string, Token>();
  #ttlSeconds: number;

  constructor(credentials: AuthCredentials, ttlSeconds: number) {
    this.credentials = credentials;
    this.#ttlSeconds = ttlSeconds;
  }

  /** Lifetime of tokens issued from now on. */
  setTokenTtl(seconds: number): void {
    this.#ttlSeconds = seconds;
  }

  /** Makes every issued token expired, so the next call gets 401 and a client must log in again. */
  expireTokens(): void {
    for (const [value, token] of this.#tokens) this.#tokens.set(value, { ...token, expiresAt: 0 });
  }

  #issue(via: Token['via']): { token: string; expiresIn: number; expiration: number } {
    const token = `fake-${via}-${randomBytes(24).toString('base64url')}`;
    const expiresAt = Date.now() + this.#ttlSeconds * 1000;
    this.#tokens.set(token, { expiresAt, via });
    return { token, expiresIn: this.#ttlSeconds, expiration: Math.floor(expiresAt / 1000) };
  }

  /** IAM answers with its own error shape (errorCode/errorMessage), not the API's. */
  iamToken(req: FakeRequest): Reply {
    const form = new URLSearchParams(req.body.toString('utf8'));
    const iamError = (status: number, errorCode: string, errorMessage: string): Reply =>
      json(status, { errorCode, errorMessage, context: { requestId: randomBytes(8).toString('hex'), requestType: 'incoming.Identity_Token', startTime: new Date().toUTCString() } });
    if (form.get('grant_type') !== IAM_GRANT_TYPE) return iamError(400, 'BXNIM0109E', 'Property missing or empty. Property grant_type is missing or empty.');
    const apikey = form.get('apikey');
    if (apikey === null || apikey === '') return iamError(400, 'BXNIM0109E', 'Property missing or empty. Property apikey is missing or empty.');
    if (apikey !== this.credentials.apiKey) return iamError(400, 'BXNIM0415E', 'Provided API key could not be found.');
    const issued = this.#issue('iam');
    return json(200, {
      access_token: issued.token,
      refresh_token: 'not_supported',
      ims_user_id: 1234567,
      token_type: 'Bearer',
      expires_in: issued.expiresIn,
      expiration: issued.expiration,
      scope: 'ibm openid',
    });
  }

  appIdToken(req: FakeRequest): Reply {
    const authorization = header(req, 'authorization') ?? '';
    const decoded = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : '';
    const { username, password } = this.credentials.appId;
    if (decoded !== `${username}:${password}`) return apiError('authenticationFailed', 'Error authenticating user.');
    const issued = this.#issue('appid');
    return json(200, { access_token: issued.token, expires_in: issued.expiresIn, token_type: 'Bearer' });
  }

  /** Undefined when the call may proceed; otherwise the API's 401. */
  check(req: FakeRequest): Reply | undefined {
    const authorization = header(req, 'authorization') ?? '';
    const value = authorization.startsWith('Bearer ') ? authorization.slice(7).trim() : '';
    const token = this.#tokens.get(value);
    if (token === undefined || token.expiresAt <= Date.now()) return apiError('invalidCredentials', 'Invalid credentials.');
    if (token.via === 'iam' && header(req, 'service-crn') !== this.credentials.serviceCrn) {
      return apiError('invalidCredentials', 'Invalid credentials. The Service-CRN header is missing or does not name this service instance.');
    }
    return undefined;
  }
}
