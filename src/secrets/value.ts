import { inspect } from 'node:util';

const REDACTED = '[secret]';

/**
 * A resolved secret. It renders as `[secret]` everywhere (String(), JSON, util.inspect, pino), so a
 * secret that slips into a log line or an error message shows nothing; `reveal()` is the one way out
 * and is called only where the secret is handed on (the gateway's pipe, the vendor's request).
 */
export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get length(): number {
    return this.#value.length;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

/** Most secrets are an API key or a small JSON document; anything bigger is a mistake. */
export const MAX_SECRET_BYTES = 64 * 1024;

/** One trailing newline (what `echo` and editors add) is not part of the secret. */
export function trimSecret(text: string): string {
  return text.replace(/\r?\n$/, '');
}
