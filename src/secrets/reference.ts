/**
 * Secret references: what the catalogue holds instead of a credential. The grammar is the
 * catalogue's (`secretRefSchema` in src/config/catalogue.ts); this module turns a reference into a
 * typed value and never holds the secret itself.
 */
import { QrunError } from '../errors.js';

export type SecretRef =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'env'; readonly name: string }
  | { readonly kind: 'exec'; readonly path: string; readonly args: readonly string[] }
  | { readonly kind: 'keyring'; readonly service: string; readonly account: string };

const FORMS = 'file:/absolute/path, env:NAME, exec:/absolute/helper [args...] or keyring:service/account';

function invalid(ref: string, why: string): QrunError {
  return new QrunError('CONFIG_INVALID', `secret reference ${JSON.stringify(ref)} ${why}`, {
    hint: `Write the reference as ${FORMS}; the catalogue holds references, never the secret itself.`,
  });
}

export function parseSecretRef(ref: string): SecretRef {
  const colon = ref.indexOf(':');
  const scheme = colon < 0 ? '' : ref.slice(0, colon);
  const rest = colon < 0 ? '' : ref.slice(colon + 1);
  switch (scheme) {
    case 'file':
      if (!rest.startsWith('/') || /\s/.test(rest)) throw invalid(ref, 'needs an absolute path without spaces');
      return { kind: 'file', path: rest };
    case 'env':
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(rest)) throw invalid(ref, 'needs a variable name');
      return { kind: 'env', name: rest };
    case 'exec': {
      const [path, ...args] = rest.split(/\s+/).filter((s) => s !== '');
      if (path === undefined || !path.startsWith('/')) throw invalid(ref, 'needs an absolute helper path');
      return { kind: 'exec', path, args };
    }
    case 'keyring': {
      const slash = rest.indexOf('/');
      if (slash <= 0 || slash === rest.length - 1) throw invalid(ref, 'needs service/account');
      return { kind: 'keyring', service: rest.slice(0, slash), account: rest.slice(slash + 1) };
    }
    default:
      throw invalid(ref, 'has an unknown scheme');
  }
}

/** The reference as text that is safe to log: it names where the secret is, not what it is. */
export function describeSecretRef(ref: SecretRef): string {
  switch (ref.kind) {
    case 'file':
      return `file:${ref.path}`;
    case 'env':
      return `env:${ref.name}`;
    case 'exec':
      return `exec:${ref.path}`;
    case 'keyring':
      return `keyring:${ref.service}/${ref.account}`;
  }
}
