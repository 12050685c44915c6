/** Secrets: references in the catalogue, resolved on the root side, handed only to the job gateway. */
export { parseSecretRef, describeSecretRef,  } from './reference.js';
export { resolveSecret,  } from './resolve.js';
export { readSecretFile } from './file.js';
export { runSecretHelper,  } from './exec.js';
export { readKeyringSecret } from './keyring.js';
export { SecretValue,  } from './value.js';
