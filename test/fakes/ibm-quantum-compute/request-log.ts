/** IBM's requests carry two headers the tests check by name: the API version and the instance's CRN. */
import type { RequestLog, RequestRecord } from '../shared/request-log.js';

export interface IbmRequestRecord extends RequestRecord {
  readonly apiVersion: string | null;
  readonly serviceCrn: string | null;
}

export type IbmRequestLog = RequestLog<IbmRequestRecord>;
