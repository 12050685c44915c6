/**
 * The credential document an `ibm-quantum-system` entry's secret holds: one JSON object, so the API
 * key, the instance it belongs to and the bucket's access key are rotated together, in one root-owned
 * file. Each value stays a SecretValue after parsing, so none can be printed by accident.
 */
import { QrunError } from '../../errors.js';
import { SecretValue } from '../../secrets/value.js';

export interface IbmSystemCredentials {
  /** IBM Cloud API key, exchanged at IAM for the API's bearer token. */
  readonly apiKey: SecretValue;
  /** The instance's CRN, sent as `Service-CRN` on every API call. Not secret, but bound to the key. */
  readonly serviceCrn: string;
  /** The S3 access key id (the public half, named in every signature). */
  readonly s3AccessKeyId: string;
  readonly s3SecretAccessKey: SecretValue;
}

const CREDENTIAL_FIELDS = ['api_key', 'service_crn', 's3_access_key_id', 's3_secret_access_key'] as const;

const FORMAT_HINT =
  'The secret must be one JSON object: {"api_key": "...", "service_crn": "crn:v1:...", "s3_access_key_id": "...", "s3_secret_access_key": "..."} (docs/admin-guide.md, IBM Quantum System).';

function invalid(backend: string, why: string): QrunError {
  // Never echo the document: whatever is wrong with it, it holds the keys.
  return new QrunError('SECRET_UNAVAILABLE', `backend ${backend}: the credential ${why}`, { hint: FORMAT_HINT, details: { backend } });
}

export function parseCredentials(backend: string, secret: SecretValue | undefined): IbmSystemCredentials {
  if (secret === undefined || secret.length === 0) {
    throw new QrunError('SECRET_UNAVAILABLE', `backend ${backend} needs a credential and was given none`, {
      hint: "The catalogue's secret for this backend could not be resolved at job start; ask your admin to check it (qrun admin check-config).",
      details: { backend },
    });
  }
  let document: unknown;
  try {
    document = JSON.parse(secret.reveal());
  } catch {
    throw invalid(backend, 'is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw invalid(backend, 'is not a JSON object');
  const fields = document as Record<string, unknown>;
  const unknown = Object.keys(fields).filter((key) => !(CREDENTIAL_FIELDS as readonly string[]).includes(key));
  if (unknown.length > 0) throw invalid(backend, `has unknown fields: ${unknown.join(', ')}`);
  const missing = CREDENTIAL_FIELDS.filter((key) => typeof fields[key] !== 'string' || fields[key] === '');
  if (missing.length > 0) throw invalid(backend, `lacks ${missing.join(', ')} (each a non-empty string)`);
  const text = (key: (typeof CREDENTIAL_FIELDS)[number]): string => fields[key] as string;
  return {
    apiKey: new SecretValue(text('api_key')),
    serviceCrn: text('service_crn'),
    s3AccessKeyId: text('s3_access_key_id'),
    s3SecretAccessKey: new SecretValue(text('s3_secret_access_key')),
  };
}
