/**
 * `keyring:service/account` secrets, for a workstation's `qrun login`: read through keytar, an
 * optional dependency whose native part needs libsecret (Linux), Keychain (macOS) or the Credential
 * Vault (Windows). On a cluster node there is usually no keyring: use file: or exec: there.
 */
import { QrunError } from '../errors.js';
import { SecretValue } from './value.js';

interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
}

export type KeytarLoader = () => Promise<Keytar>;

const loadKeytar: KeytarLoader = async () => {
  const mod = (await import('keytar')) as Keytar & { default?: Keytar };
  return mod.default ?? mod;
};

export async function readKeyringSecret(service: string, account: string, load: KeytarLoader = loadKeytar): Promise<SecretValue> {
  const ref = `keyring:${service}/${account}`;
  let keytar: Keytar;
  try {
    keytar = await load();
  } catch (error) {
    throw new QrunError('SECRET_UNAVAILABLE', `${ref}: no keyring support here (the optional keytar module is missing or not built)`, {
      hint: 'On a workstation: install libsecret-1-dev and run `npm rebuild keytar`. On a cluster node use a file: or exec: reference instead.',
      cause: error,
      details: { ref },
    });
  }
  let value: string | null;
  try {
    value = await keytar.getPassword(service, account);
  } catch (error) {
    throw new QrunError('SECRET_UNAVAILABLE', `${ref}: the keyring cannot be reached (${error instanceof Error ? error.message : String(error)})`, {
      hint: 'A desktop session with a running keyring (gnome-keyring, KWallet) is needed; on a server use file: or exec:.',
      cause: error,
      details: { ref },
    });
  }
  if (value === null || value === '') {
    throw new QrunError('SECRET_UNAVAILABLE', `${ref}: no such entry in the keyring`, { hint: 'Store it first with `qrun login`.', details: { ref } });
  }
  return new SecretValue(value);
}
