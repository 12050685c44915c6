import { describe, expect, it } from 'vitest';
import { errors } from 'undici';
import { mapTransportError, type FailureContext } from '../../../src/http/map-error.js';

const ctx: FailureContext = { backend: 'ibm_fez', method: 'GET', origin: 'https://quantum.example.com', path: '/jobs', phase: 'request', attempt: 1 };

function systemError(code: string): Error {
  return Object.assign(new Error(`connect ${code}`), { code });
}

describe('mapTransportError', () => {
  it.each<[string, unknown, Partial<FailureContext>, string, { reachedServer: boolean; transient: boolean }]>([
    ['unknown host', systemError('ENOTFOUND'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: false }],
    ['DNS hiccup', systemError('EAI_AGAIN'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: true }],
    ['refused', systemError('ECONNREFUSED'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: true }],
    ['refused on every address', new AggregateError([systemError('ECONNREFUSED'), systemError('ECONNREFUSED')]), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: true }],
    ['no route', systemError('EHOSTUNREACH'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: true }],
    ['connect timeout', new errors.ConnectTimeoutError(), {}, 'UPSTREAM_TIMEOUT', { reachedServer: false, transient: true }],
    ['headers timeout', new errors.HeadersTimeoutError(), {}, 'UPSTREAM_TIMEOUT', { reachedServer: true, transient: true }],
    ['body timeout', new errors.BodyTimeoutError(), { phase: 'body' }, 'UPSTREAM_TIMEOUT', { reachedServer: true, transient: false }],
    ['reset before the reply', systemError('ECONNRESET'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: true, transient: true }],
    ['socket closed before the reply', new errors.SocketError('other side closed'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: true, transient: true }],
    ['socket closed mid-body', new errors.SocketError('other side closed'), { phase: 'body' }, 'UPSTREAM_BAD_RESPONSE', { reachedServer: true, transient: true }],
    ['content-length mismatch', new errors.ResponseContentLengthMismatchError(), { phase: 'body' }, 'UPSTREAM_BAD_RESPONSE', { reachedServer: true, transient: true }],
    ['reply too large', new errors.ResponseExceededMaxSizeError(), { phase: 'body' }, 'UPSTREAM_BAD_RESPONSE', { reachedServer: true, transient: false }],
    ['expired certificate', systemError('CERT_HAS_EXPIRED'), {}, 'UPSTREAM_TLS_FAILED', { reachedServer: false, transient: false }],
    ['self-signed certificate', systemError('DEPTH_ZERO_SELF_SIGNED_CERT'), {}, 'UPSTREAM_TLS_FAILED', { reachedServer: false, transient: false }],
    ['wrong host name', systemError('ERR_TLS_CERT_ALTNAME_INVALID'), {}, 'UPSTREAM_TLS_FAILED', { reachedServer: false, transient: false }],
    ['proxy wants credentials', new errors.RequestAbortedError('Proxy response (407) !== 200 when HTTP Tunneling'), { proxy: 'http://proxy:3128' }, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: false }],
    ['proxy upstream failure', new errors.RequestAbortedError('Proxy response (502) !== 200 when HTTP Tunneling'), { proxy: 'http://proxy:3128' }, 'UPSTREAM_UNREACHABLE', { reachedServer: false, transient: true }],
    ['a bug in the request', new errors.InvalidArgumentError('invalid method'), {}, 'INTERNAL', { reachedServer: false, transient: false }],
    ['anything else', new Error('strange'), {}, 'UPSTREAM_UNREACHABLE', { reachedServer: true, transient: false }],
  ])('maps %s', (_name, cause, extra, code, classification) => {
    const failure = mapTransportError(cause, { ...ctx, ...extra });
    expect(failure.error.code).toBe(code);
    expect({ reachedServer: failure.reachedServer, transient: failure.transient }).toEqual(classification);
    expect(failure.error.message).toContain('ibm_fez');
    expect(failure.error.hint).toBeTruthy();
    expect(failure.error.cause).toBe(cause);
  });

  it('names the proxy, not the vendor, when the proxy cannot be reached', () => {
    const failure = mapTransportError(systemError('ECONNREFUSED'), { ...ctx, proxy: 'http://proxy.site:3128' });
    expect(failure.error.message).toContain('the proxy http://proxy.site:3128');
    expect(failure.error.details).toMatchObject({ proxy: 'http://proxy.site:3128', errno: 'ECONNREFUSED' });
  });
});
