/**
 * The device's side of reservation tokens: an HS256 JSON web token signed with the device's
 * reservation shared secret, whose `session_id` names the reservation and `end_time` (epoch seconds)
 * ends it. Written here apart from the backend's signer, so the fake checks tokens independently.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  readonly session_id: string;
  readonly end_time: number;
  readonly requested_at?: number;
  readonly iss?: string;
}

export type TokenCheck = { readonly ok: true; readonly claims: TokenClaims } | { readonly ok: false; readonly why: string };

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

export function checkToken(token: string, secret: string, nowSeconds: number): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, why: 'not a JSON web token' };
  const [head = '', body = '', signature = ''] = parts;
  const header = decodeJson(head) as { alg?: unknown } | undefined;
  if (header?.alg !== 'HS256') return { ok: false, why: 'the token is not signed with HS256' };
  const expected = createHmac('sha256', secret).update(`${head}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, why: 'incorrect shared secret' };
  const claims = decodeJson(body) as Partial<TokenClaims> | undefined;
  if (typeof claims?.session_id !== 'string' || typeof claims.end_time !== 'number') return { ok: false, why: 'the token has no session_id or end_time' };
  if (claims.end_time <= nowSeconds) return { ok: false, why: 'expired token' };
  return { ok: true, claims: claims as TokenClaims };
}

/** A token as a reservation system would hand one out (for the fake's own tests and the e2e job). */
export function signToken(claims: TokenClaims, secret: string): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}
