import { QrunError } from '../errors.js';
import { runSecretHelper } from './exec.js';
import { readSecretFile } from './file.js';
import { readKeyringSecret, type KeytarLoader } from './keyring.js';
import { parseSecretRef, type SecretRef } from './reference.js';
import { SecretValue, trimSecret } from './value.js';

export interface ResolveOptions {
  /**
   * Where `env:` reads from: the resolving process's own environment, passed down from its entry
   * point (the hook handler, whose environment the shim fixes), never a job's. Default: empty.
   */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Timeout for `exec:` helpers. */
  readonly execTimeoutMs?: number;
  /** For tests: how keytar is loaded. */
  readonly loadKeytar?: KeytarLoader;
}

/** Turns a reference (text from the catalogue, or parsed) into the secret it names. */
export async function resolveSecret(reference: string | SecretRef, options: ResolveOptions = {}): Promise<SecretValue> {
  const ref = typeof reference === 'string' ? parseSecretRef(reference) : reference;
  switch (ref.kind) {
    case 'file':
      return readSecretFile(ref.path);
    case 'env': {
      const value = (options.env ?? {})[ref.name];
      if (value === undefined || value === '') {
        throw new QrunError('SECRET_UNAVAILABLE', `env:${ref.name} is not set in the handler's environment`, {
          hint: 'The handler runs with a fixed environment (set by the SPANK shim); prefer a file: or exec: reference on cluster nodes.',
          details: { ref: `env:${ref.name}` },
        });
      }
      return new SecretValue(trimSecret(value));
    }
    case 'exec':
      return runSecretHelper(ref.path, ref.args, options.execTimeoutMs === undefined ? {} : { timeoutMs: options.execTimeoutMs });
    case 'keyring':
      return readKeyringSecret(ref.service, ref.account, options.loadKeytar);
  }
}
