import { QrunError } from '../errors.js';
import type { HttpRequest, QueryValue } from './options.js';

/** How a request's payload goes on the wire: one of json, form or raw body, never two. */
export function encodeBody(backend: string, request: HttpRequest): { body?: string | Uint8Array; contentType?: string } {
  const given = [request.json !== undefined, request.form !== undefined, request.body !== undefined].filter(Boolean).length;
  if (given > 1) {
    throw new QrunError('INTERNAL', `${backend}: a request gave more than one of json, form and body`, {
      hint: 'This is a bug in slurm-qpu; please report it with the command you ran.',
      details: { backend, method: request.method, path: request.path },
    });
  }
  if (request.json !== undefined) return { body: JSON.stringify(request.json), contentType: 'application/json' };
  if (request.form !== undefined) {
    const form = request.form instanceof URLSearchParams ? request.form : new URLSearchParams({ ...request.form });
    return { body: form.toString(), contentType: 'application/x-www-form-urlencoded' };
  }
  if (request.body !== undefined) return { body: request.body };
  return {};
}

export function encodeQuery(query: Readonly<Record<string, QueryValue>> | undefined): string {
  if (query === undefined) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const each of value as readonly (string | number | boolean)[]) params.append(key, String(each));
    else params.append(key, String(value));
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return type === 'application/json' || type.endsWith('+json');
}

export type DecodedBody = { ok: true; value: unknown } | { ok: false; text: string; cause: unknown };

/** Reads a reply body: JSON by content-type (or when asked), otherwise text; empty is null. */
export function decodeBody(bytes: Uint8Array, contentType: string | undefined, mode: 'auto' | 'json' | 'text'): DecodedBody {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.length === 0) return { ok: true, value: null };
  if (mode === 'text' || (mode === 'auto' && !isJsonType(contentType))) return { ok: true, value: text };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (cause) {
    return { ok: false, text, cause };
  }
}
