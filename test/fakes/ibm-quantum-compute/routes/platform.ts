/**
 * The IBM Cloud pieces around the Runtime API that a client meets: IAM's token endpoint, the
 * instance's usage, and the Global Search / Global Catalog calls qiskit-ibm-runtime makes to check
 * that the instance CRN belongs to the account.
 */
import { HttpError, iamErrorBody } from '../errors.js';
import type { Route } from './types.js';

/** The catalog id of the fake's one plan (IBM's plans are catalog entries with such ids). */
export const PLAN_ID = 'loopback-open-plan';

export const iamRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/identity/token',
    guard: 'none',
    handle: (req, core) => {
      const type = req.headers['content-type'] ?? '';
      if (!type.startsWith('application/x-www-form-urlencoded')) {
        throw new HttpError(400, iamErrorBody('BXNIM0109E', 'Property missing or empty. The request must be sent as application/x-www-form-urlencoded.'));
      }
      return { status: 200, json: core.iam.grant(new URLSearchParams(req.body.toString('utf8'))) };
    },
  },
];

export const usageRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/instances/usage',
    guard: 'runtime',
    handle: (_req, core) => ({
      status: 200,
      json: {
        instance_id: core.options.instance,
        plan_id: PLAN_ID,
        usage_consumed_seconds: 0,
        usage_limit_seconds: null,
        usage_allocation_seconds: null,
        usage_limit_reached: false,
        usage_period: { start_time: '2026-01-01T00:00:00Z', end_time: '2026-02-01T00:00:00Z' },
      },
    }),
  },
];

export const globalSearchRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/v3/resources/search',
    guard: 'bearer',
    handle: (_req, core) => ({
      status: 200,
      json: {
        items: [
          {
            crn: core.options.instance,
            name: 'loopback-instance',
            service_plan_unique_id: PLAN_ID,
            tags: [],
            doc: { extensions: { virtual_private_endpoints: {}, allocation: { backends: [...core.devices.keys()] } } },
          },
        ],
        limit: 100,
      },
    }),
  },
];

export const globalCatalogRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/{id}',
    guard: 'bearer',
    handle: (req) => {
      if (req.params['id'] !== PLAN_ID) throw new HttpError(404, { message: 'Not Found', 'status-code': 404 });
      return { status: 200, json: { id: PLAN_ID, name: 'open', overview_ui: { en: { display_name: 'Open' } }, metadata: { pricing: { type: 'free' } } } };
    },
  },
];
