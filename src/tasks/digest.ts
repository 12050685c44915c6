/**
 * The digest of a task request: sha256 over its JSON with keys sorted, so qrun (which records it) and
 * a gateway (which binds vendor jobs to it) agree on it whatever order a payload's keys come in.
 */
import { createHash } from 'node:crypto';

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, stable((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function requestDigest(request: { readonly programId: string; readonly params: unknown; readonly options: unknown }): string {
  const text = JSON.stringify(stable({ program_id: request.programId, params: request.params, options: request.options }));
  return `sha256:${createHash('sha256').update(text, 'utf8').digest('hex')}`;
}
