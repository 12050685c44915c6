import { describe, expect, it } from 'vitest';
import { createHttpClient, isLoopbackHost } from '../../../src/http/index.js';
import { QrunError } from '../../../src/errors.js';

function refusal(options: { baseUrl: string; proxy?: string }): QrunError {
  try {
    createHttpClient({ backend: 'ibm_fez', ...options });
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected createHttpClient to refuse');
}

describe('endpoint rules', () => {
  it.each(['http://quantum.example.com/api', 'http://10.0.0.5:8080', 'http://[2001:db8::1]/', 'http://128.0.0.1'])(
    'refuses plain http to %s at construction, with a hint to use https',
    (baseUrl) => {
      const error = refusal({ baseUrl });
      expect(error.code).toBe('ENDPOINT_INSECURE');
      expect(error.family).toBe('config');
      expect(error.message).toContain('ibm_fez');
      expect(error.hint).toMatch(/https:\/\//);
    },
  );

  it.each(['http://127.0.0.1:8080', 'http://127.1.2.3', 'http://localhost:9', 'http://[::1]:8080/api', 'https://quantum.example.com/api/v1'])(
    'accepts %s',
    async (baseUrl) => {
      const client = createHttpClient({ backend: 'ibm_fez', baseUrl });
      await client.close();
    },
  );

  it('refuses credentials in the endpoint URL', () => {
    expect(refusal({ baseUrl: 'https://user:pass@quantum.example.com' }).code).toBe('ENDPOINT_INSECURE');
  });

  it('refuses a URL that is not http(s) or not a URL', () => {
    expect(refusal({ baseUrl: 'ftp://quantum.example.com' }).code).toBe('CONFIG_INVALID');
    expect(refusal({ baseUrl: 'quantum.example.com' }).code).toBe('CONFIG_INVALID');
  });

  it('accepts an http:// proxy (requests are tunnelled, TLS stays end to end) but not one that would get a password in clear', async () => {
    const client = createHttpClient({ backend: 'ibm_fez', baseUrl: 'https://quantum.example.com', proxy: 'http://proxy.site.example:3128' });
    await client.close();
    const error = refusal({ baseUrl: 'https://quantum.example.com', proxy: 'http://user:secret@proxy.site.example:3128' });
    expect(error.code).toBe('ENDPOINT_INSECURE');
    expect(error.message).not.toContain('secret');
    expect(error.hint).toMatch(/https:\/\//);
    expect(refusal({ baseUrl: 'https://quantum.example.com', proxy: 'socks5://proxy.site.example:1080' }).code).toBe('CONFIG_INVALID');
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.255.0.9', '::1', '[::1]', 'localhost', 'LOCALHOST'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', '::2', 'localhost.example.com', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});
