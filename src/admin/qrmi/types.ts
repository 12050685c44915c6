/**
 * QRMI resource types and how each becomes a catalogue entry. QRMI names settings
 * `QRMI_<VENDOR>_<KEY>` (spank_qrmi exports them as `<resource>_QRMI_<VENDOR>_<KEY>`); a setting
 * becomes the entry field `<key>` lower-cased unless the table renames it, and a credential goes to
 * the secret file instead, never into the catalogue.
 *
 * Types whose adapter this version lacks (the registry decides at run time) are reported, not
 * dropped silently, and are imported as soon as their adapter is registered.
 */

export interface TypeMapping {
  /** The catalogue type it becomes (a registry key, present or still to come). */
  readonly type: string;
  /** Environment prefixes QRMI uses for it, newest first (older releases used other names). */
  readonly prefixes: readonly string[];
  /** Settings renamed on the way (key after the prefix → entry field); others are lower-cased. */
  readonly fields: Readonly<Record<string, string>>;
  /** Settings that are credentials (key after the prefix → field of the secret). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Settings with no equivalent here, and why (reported). */
  readonly dropped: Readonly<Record<string, string>>;
  /** How the secret file is written: one bare value, or a JSON object of its fields. */
  readonly secretForm: 'value' | 'json';
  /** Entry fields derived from the resource name. */
  readonly fromName?: (name: string) => Record<string, string>;
}

const IBM_COMPUTE: TypeMapping = {
  type: 'ibm-quantum-compute-service',
  prefixes: ['QRMI_IBM_QCS_', 'QRMI_IBM_QRS_'],
  fields: { ENDPOINT: 'endpoint', IAM_ENDPOINT: 'auth_endpoint', SERVICE_CRN: 'instance', SESSION_MODE: 'session' },
  secrets: { IAM_APIKEY: 'api_key' },
  dropped: {
    SESSION_MAX_TTL: 'the session lives as long as the Slurm job (its time limit)',
    SESSION_ID: 'the hook opens a session per job',
    TIMEOUT_SECONDS: 'jobs are bounded by the Slurm allocation',
  },
  secretForm: 'value',
  fromName: (name) => ({ device: name }),
};

const IBM_SYSTEM: TypeMapping = {
  type: 'ibm-quantum-system',
  prefixes: ['QRMI_IBM_QS_', 'QRMI_IBM_DA_'],
  fields: { ENDPOINT: 'endpoint', IAM_ENDPOINT: 'iam_endpoint', TIMEOUT_SECONDS: 'timeout_secs', S3_ENDPOINT_FOR_QSAPI: 's3_endpoint_for_service' },
  secrets: { IAM_APIKEY: 'api_key', SERVICE_CRN: 'service_crn', AWS_ACCESS_KEY_ID: 's3_access_key_id', AWS_SECRET_ACCESS_KEY: 's3_secret_access_key' },
  dropped: {},
  secretForm: 'json',
  fromName: (name) => ({ device: name }),
};

/** Adapters being built under QRMI's own type names: imported once the registry has them. */
const pending = (type: string, prefixes: readonly string[], secrets: Record<string, string>): TypeMapping => ({
  type,
  prefixes,
  fields: {},
  secrets,
  dropped: {},
  secretForm: 'json',
});

export const QRMI_TYPES: Readonly<Record<string, TypeMapping>> = {
  'ibm-quantum-compute-service': IBM_COMPUTE,
  'qiskit-runtime-service': IBM_COMPUTE,
  'ibm-quantum-system': IBM_SYSTEM,
  'direct-access': IBM_SYSTEM,
  'iqm-server': pending('iqm-server', ['QRMI_IQM_ISA_', 'QRMI_IQM_'], { TOKEN: 'token' }),
  'pasqal-cloud': pending('pasqal-cloud', ['QRMI_PASQAL_CLOUD_'], { AUTH_TOKEN: 'token', PASSWORD: 'password', USERNAME: 'username', CLIENT_SECRET: 'client_secret' }),
  qristal: pending('qristal', ['QRMI_QRISTAL_'], { TOKEN: 'token', API_KEY: 'api_key' }),
};

/** A setting whose name says it is a credential, for types the table does not know. */
export const CREDENTIAL_NAME = /(APIKEY|API_KEY|TOKEN|SECRET|PASSWORD|ACCESS_KEY)/;
