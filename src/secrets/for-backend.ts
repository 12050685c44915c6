import { QrunError } from '../errors.js';
import { resolveSecret } from './resolve.js';
import type { SecretValue } from './value.js';

/**
 * A backend's credential, resolved by the hook. The hook shows an acquire failure's message (not its
 * hint) to the user, so the fix goes into the message: "backend sim: secret file ... has mode 0644
 * ...; fix: chmod 600 ...".
 */
export async function backendSecret(alias: string, reference: string, env: Readonly<Record<string, string | undefined>>): Promise<SecretValue> {
  try {
    return await resolveSecret(reference, { env });
  } catch (error) {
    if (!(error instanceof QrunError)) throw error;
    const fix = error.hint === undefined ? '' : `; fix: ${error.hint}`;
    throw new QrunError(error.code, `backend ${alias}: ${error.message}${fix}`, { cause: error, ...(error.hint === undefined ? {} : { hint: error.hint }) });
  }
}
