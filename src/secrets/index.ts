/** Secrets: references in the catalogue, resolved on the root side, handed only to the job gateway. */
export { parseSecretRef, describeSecretRef, type SecretRef } from './reference.js';
export { resolveSecret, type ResolveOptions } from './resolve.js';
export { readSecretFile } from './file.js';
export { runSecretHelper, DEFAULT_EXEC_TIMEOUT_MS } from './exec.js';
export { readKeyringSecret } from './keyring.js';
export { SecretValue, MAX_SECRET_BYTES } from './value.js';
