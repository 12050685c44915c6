/**
 * IBM Cloud IAM's token endpoint: an API key buys an access token (a JWT, because ibm-cloud-sdk-core
 * reads `exp` and `iat` from it to decide when to refresh) and a refresh token. Tokens live for a
 * configurable time so tests can watch a client refresh.
 */
import { createSign, generateKeyPairSync, randomBytes, type KeyObject } from 'node:crypto';
import { HttpError, iamErrorBody } from './errors.js';

const APIKEY_GRANT = 'urn:ibm:params:oauth:grant-type:apikey';

export interface TokenGrant {
  access_token: string;
  refresh_token: string;
  ims_user_id: number;
  token_type: 'Bearer';
  expires_in: number;
  expiration: number;
  scope: string;
}

function base64url(value: string | Buffer): string {
  return Buffer.from(value).toString('base64url');
}

let signingKey: KeyObject | undefined;

/** One RSA key per process: making one takes a noticeable moment, and nothing checks the signature. */
function key(): KeyObject {
  signingKey ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  return signingKey;
}

export class Iam {
  private readonly accessTokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  /** Seconds an access token lives; the fake's clock is the wall clock. */
  lifetimeSeconds: number;
  issued = 0;

  constructor(
    readonly apiKey: string,
    lifetimeSeconds: number,
  ) {
    this.lifetimeSeconds = lifetimeSeconds;
  }

  /** Handles the form body of `POST /identity/token`; throws IAM's 400 on a bad grant. */
  grant(form: URLSearchParams): TokenGrant {
    const grantType = form.get('grant_type');
    if (grantType === APIKEY_GRANT) {
      const apikey = form.get('apikey');
      if (apikey === null || apikey === '') throw new HttpError(400, iamErrorBody('BXNIM0109E', 'Property missing or empty. Property: apikey'));
      if (apikey !== this.apiKey) throw new HttpError(400, iamErrorBody('BXNIM0415E', 'Provided API key could not be found.'));
      return this.issue();
    }
    if (grantType === 'refresh_token') {
      const token = form.get('refresh_token') ?? '';
      if (!this.refreshTokens.has(token)) throw new HttpError(400, iamErrorBody('BXNIM0407E', 'Provided refresh token is invalid.'));
      this.refreshTokens.delete(token);
      return this.issue();
    }
    throw new HttpError(400, iamErrorBody('BXNIM0308E', `Unsupported grant type: ${grantType ?? '(none)'}`));
  }

  /** 'valid', 'expired' or 'unknown' for a bearer token. */
  check(token: string): 'valid' | 'expired' | 'unknown' {
    const expiration = this.accessTokens.get(token);
    if (expiration === undefined) return 'unknown';
    return Date.now() / 1000 < expiration ? 'valid' : 'expired';
  }

  /** Every token handed out so far (a test checks that none leaks into a URL). */
  secrets(): string[] {
    return [this.apiKey, ...this.accessTokens.keys(), ...this.refreshTokens];
  }

  private issue(): TokenGrant {
    const iat = Math.floor(Date.now() / 1000);
    const exp = iat + this.lifetimeSeconds;
    const claims = {
      iam_id: 'IBMid-fake0000',
      id: 'IBMid-fake0000',
      realmid: 'IBMid',
      jti: randomBytes(8).toString('hex'),
      identifier: 'fake0000',
      sub: 'fake@example.com',
      sub_type: 'ServiceId',
      account: { valid: true, bss: 'fakeaccount0000', frozen: true },
      iat,
      exp,
      iss: 'https://iam.cloud.ibm.com/identity',
      grant_type: APIKEY_GRANT,
      scope: 'ibm openid',
      client_id: 'default',
      acr: 1,
      amr: ['pwd'],
    };
    const unsigned = `${base64url(JSON.stringify({ kid: 'loopback', alg: 'RS256' }))}.${base64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(unsigned).sign(key());
    const accessToken = `${unsigned}.${base64url(signature)}`;
    const refreshToken = randomBytes(24).toString('base64url');
    // Valid for the full lifetime from now (the JWT's `exp` is rounded down to a second, as IAM's is).
    this.accessTokens.set(accessToken, Date.now() / 1000 + this.lifetimeSeconds);
    this.refreshTokens.add(refreshToken);
    this.issued += 1;
    return {
      access_token: accessToken,
      refresh_token: refreshToken,
      ims_user_id: 1000000,
      token_type: 'Bearer',
      expires_in: this.lifetimeSeconds,
      expiration: exp,
      scope: 'ibm openid',
    };
  }
}
