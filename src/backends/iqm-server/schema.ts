/**
 * An `iqm-server` entry (QRMI's ResourceType.IQMServer): a quantum computer behind IQM Server's
 * versioned REST API (`<endpoint>/api/v1/...`), reached with an IQM API token as a bearer token.
 * `endpoint` and the token are what qrmi reads as `<backend>_QRMI_IQM_ISA_ENDPOINT` and `..._TOKEN`.
 */
import { z } from 'zod';
import { isQrunError } from '../../errors.js';
import { checkBaseUrl } from '../../http/endpoint.js';
import { checkCouplingMap, entryBase, secretRefSchema } from '../entry.js';
import { backendMetadataSchema } from '../metadata.js';

export const IQM_SERVER = 'iqm-server';

/** Seconds the device's architecture, health and limits are kept before they are read again. */
export const DEFAULT_METADATA_TTL_SECS = 300;
/** Minutes acquire books when the entry sets no timeslot_minutes (and the job's time left is longer). */
export const DEFAULT_TIMESLOT_MINUTES = 60;

const endpointUrl = z.string().superRefine((value, ctx) => {
  try {
    checkBaseUrl('catalogue', value);
  } catch (error) {
    if (!isQrunError(error)) throw error;
    ctx.addIssue({ code: 'custom', message: `${error.message.replace(/^catalogue: /, '')}${error.hint === undefined ? '' : `: ${error.hint}`}` });
  }
});

/** This type's own fields; the gateway receives exactly these (and https_proxy) as the backend's settings. */
const iqmFields = {
  /** IQM Server's base URL, without /api/v1 and without the quantum computer (e.g. https://resonance.meetiqm.com). */
  endpoint: endpointUrl,
  /** The quantum computer's alias at the server (GET /api/v1/quantum-computers). Default: the catalogue alias. */
  device: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, { message: 'must be a quantum computer alias as IQM Server lists it (letters, digits, _ . -)' }).optional(),
  /**
   * true: this site runs its jobs in booked timeslots. Acquire books one for the job (released at the
   * job's end) and every job goes to the timeslot queue (use_timeslot=true). Default false: the
   * on-demand queue.
   */
  timeslot: z.boolean().optional(),
  /** Minutes acquire books with timeslot: true, capped by the job's time left. Default 60. */
  timeslot_minutes: z.number().int().min(1).max(24 * 60).optional(),
  /** The calibration set jobs run with (a UUID); default: the server's current default. */
  calibration_set_id: z.string().uuid({ message: 'must be a calibration set id (a UUID)' }).optional(),
  /** Seconds the architecture, health and limits read from the server are kept. Default 300. */
  metadata_ttl_secs: z.number().int().min(1).max(24 * 3600).optional(),
};

export const iqmServerEntrySchema = z
  .object({
    ...entryBase,
    ...iqmFields,
    type: z.literal(IQM_SERVER),
    /** Required: the IQM API token (the file holds the token, or {"token": "..."}; docs/admin-guide.md). */
    secret: secretRefSchema,
    /** What the device offers; default: read from the server (architecture and limits). When given it is used instead. */
    metadata: backendMetadataSchema.optional(),
  })
  .strict()
  .superRefine(checkCouplingMap, { when: () => true });

export type IqmServerEntry = z.infer<typeof iqmServerEntrySchema>;

/** The settings as the gateway gets them (the entry without its shared fields). */
export const iqmServerSettingsSchema = z.object({ ...iqmFields, https_proxy: entryBase.https_proxy });
