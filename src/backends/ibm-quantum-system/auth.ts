/**
 * Bearer tokens for the Quantum System API from IBM Cloud IAM (the shared exchange is
 * src/backends/ibm-iam.ts): a token is kept until 90 % of its lifetime has passed. A 401 from the API
 * drops the token (the service may have revoked it before its time), so the next call logs in.
 */
import type { HttpClient } from '../../http/index.js';
import type { SecretValue } from '../../secrets/value.js';
import { ibmIamTokens, type IamTokens } from '../ibm-iam.js';
import { mapIamError } from './errors.js';

/** Renew at this share of the token's lifetime, leaving room for calls already on their way. */
const RENEW_AT = 0.9;

export type TokenSource = IamTokens;

export interface IamTokenOptions {
  /** A client whose base URL is the IAM endpoint. */
  readonly iam: HttpClient;
  readonly apiKey: SecretValue;
  readonly now?: () => number;
}

export function createIamTokens(options: IamTokenOptions): TokenSource {
  return ibmIamTokens({
    iam: options.iam,
    apiKey: () => options.apiKey.reveal(),
    renewAt: (asked, lifetime) => asked + lifetime * RENEW_AT,
    mapError: mapIamError,
    badReplyHint: "Check iam_endpoint in the catalogue: it must be IBM Cloud IAM (or the deployment's own IAM), not the API.",
    now: options.now,
  });
}
