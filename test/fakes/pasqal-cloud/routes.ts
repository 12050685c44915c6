/**
 * The routes, as pasqal-cloud 0.24's SDK calls them (http_client.py `_get_api_urls`) under the core
 * API's `/core-fast` prefix, plus Auth0's token endpoint and the presigned results store. Patterns
 * name path parameters `{id}`; the request log names a route `METHOD pattern`.
 */
import { fail, success } from './jsend.js';
import type { BatchStore, FakeBatch } from './batches.js';
import type { Fault } from './faults.js';

interface RouteContext {
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly json: () => unknown;
  readonly form: () => Record<string, string>;
  readonly store: BatchStore;
  readonly device: { readonly specs: () => Record<string, string>; readonly status: () => string };
  readonly baseUrl: string;
  /** A batch-creation fault armed for this call (job-error, timeout), if any. */
  readonly batchFault: Fault | undefined;
}

interface Reply {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

export interface Route {
  readonly method: string;
  readonly pattern: string;
  /** `bearer`: a token from /oauth/token; `signed`: the presigned URL's signature; `none`. */
  readonly auth: 'bearer' | 'signed' | 'none';
  handle(ctx: RouteContext): Reply;
}

const ok = (data: unknown, extra: Record<string, unknown> = {}): Reply => ({ status: 200, json: success(data, extra) });

function batchOf(ctx: RouteContext): FakeBatch {
  return ctx.store.get(ctx.params['id'] ?? '');
}

function resultsLink(ctx: RouteContext, jobId: string): string {
  const query = new URLSearchParams({ 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Expires': '3600', 'X-Amz-Signature': ctx.store.signature(jobId) });
  return `${ctx.baseUrl}/results-store/${encodeURIComponent(jobId)}.json?${query.toString()}`;
}

function listFilter(values: string[]): (value: string) => boolean {
  return values.length === 0 ? () => true : (value) => values.includes(value);
}

const CORE = '/core-fast/api';

export const ROUTES: readonly Route[] = [
  { method: 'POST', pattern: '/oauth/token', auth: 'none', handle: () => ({ status: 500 }) /* answered by the server (auth.ts) */ },
  {
    method: 'POST',
    pattern: `${CORE}/v1/batches`,
    auth: 'bearer',
    handle(ctx) {
      const fault = ctx.batchFault;
      const outcome = fault?.kind === 'job-error' ? 'job-error' : fault?.kind === 'timeout' ? 'timeout' : 'normal';
      const batch = ctx.store.create(ctx.json(), outcome, fault?.kind === 'job-error' ? (fault.errors ?? []) : []);
      return ok(ctx.store.batchView(batch, true));
    },
  },
  {
    method: 'GET',
    pattern: `${CORE}/v1/batches`,
    auth: 'bearer',
    handle(ctx) {
      const status = listFilter(ctx.query.getAll('status'));
      const tag = ctx.query.get('tag');
      const offset = Number(ctx.query.get('offset') ?? 0);
      const limit = Math.min(100, Number(ctx.query.get('limit') ?? 100));
      const all = [...ctx.store.batches.values()]
        .map((b) => {
          ctx.store.advance(b);
          return b;
        })
        .filter((b) => status(ctx.store.status(b)) && (tag === null || b.tags.includes(tag)));
      const page = all.slice(offset, offset + limit);
      return ok(
        page.map((b) => ctx.store.batchView(b, false)),
        { pagination: { total: all.length, offset, end: offset + page.length } },
      );
    },
  },
  { method: 'GET', pattern: `${CORE}/v2/batches/{id}`, auth: 'bearer', handle: (ctx) => ok(ctx.store.batchView(batchOf(ctx), true)) },
  {
    method: 'GET',
    pattern: `${CORE}/v1/batches/{id}/status`,
    auth: 'bearer',
    handle(ctx) {
      const view = ctx.store.batchView(batchOf(ctx), false);
      return ok({ id: view['id'], status: view['status'], jobs_count: view['jobs_count'], jobs_count_per_status: view['jobs_count_per_status'] });
    },
  },
  {
    method: 'PATCH',
    pattern: `${CORE}/v2/batches/{id}/cancel`,
    auth: 'bearer',
    handle(ctx) {
      const batch = batchOf(ctx);
      ctx.store.cancel(batch);
      return ok(ctx.store.batchView(batch, true));
    },
  },
  {
    method: 'PATCH',
    pattern: `${CORE}/v2/batches/{id}/complete`,
    auth: 'bearer',
    handle(ctx) {
      const batch = batchOf(ctx);
      batch.open = false;
      return ok(ctx.store.batchView(batch, true));
    },
  },
  {
    method: 'GET',
    pattern: `${CORE}/v1/batches/{id}/full_results`,
    auth: 'bearer',
    handle(ctx) {
      const batch = batchOf(ctx);
      return ok(Object.fromEntries(batch.jobs.map((j) => [j.id, { counter: j.counter, raw: null, serialised_results: null }])));
    },
  },
  {
    method: 'GET',
    pattern: `${CORE}/v2/jobs`,
    auth: 'bearer',
    handle(ctx) {
      const batchIds = ctx.query.getAll('batch_id');
      const jobs = [...ctx.store.batches.values()]
        .filter((b) => batchIds.length === 0 || batchIds.includes(b.id))
        .flatMap((b) => {
          ctx.store.advance(b);
          return b.jobs;
        });
      return ok(
        jobs.map((j) => ctx.store.jobView(j, false)),
        { pagination: { total: jobs.length, offset: 0, end: jobs.length } },
      );
    },
  },
  { method: 'GET', pattern: `${CORE}/v2/jobs/{id}`, auth: 'bearer', handle: (ctx) => ok(ctx.store.jobView(ctx.store.job(ctx.params['id'] ?? ''), true)) },
  { method: 'GET', pattern: `${CORE}/v1/jobs/{id}/status`, auth: 'bearer', handle: (ctx) => ok({ id: ctx.params['id'], status: ctx.store.job(ctx.params['id'] ?? '').status }) },
  {
    method: 'PATCH',
    pattern: `${CORE}/v2/jobs/{id}/cancel`,
    auth: 'bearer',
    handle(ctx) {
      const job = ctx.store.job(ctx.params['id'] ?? '');
      ctx.store.cancelJob(job);
      return ok(ctx.store.jobView(job, false));
    },
  },
  {
    method: 'GET',
    pattern: `${CORE}/v1/jobs/{id}/results_link`,
    auth: 'bearer',
    handle(ctx) {
      const job = ctx.store.job(ctx.params['id'] ?? '');
      return ok({ results_link: job.status === 'DONE' ? resultsLink(ctx, job.id) : null });
    },
  },
  {
    method: 'GET',
    pattern: '/results-store/{file}',
    auth: 'signed',
    handle(ctx) {
      const id = (ctx.params['file'] ?? '').replace(/\.json$/, '');
      const job = ctx.store.job(id);
      const raw = Object.entries(job.counter ?? {}).flatMap(([bits, n]) => new Array<string>(n).fill(bits));
      return { status: 200, json: { counter: job.counter, raw, serialised_results: null } };
    },
  },
  { method: 'GET', pattern: `${CORE}/v1/devices/specs`, auth: 'bearer', handle: (ctx) => ok(ctx.device.specs()) },
  {
    method: 'GET',
    pattern: `${CORE}/v1/devices/public-specs`,
    auth: 'none',
    handle: (ctx) => ok(Object.entries(ctx.device.specs()).map(([device_type, specs]) => ({ device_type, specs }))),
  },
  {
    method: 'GET',
    pattern: `${CORE}/v1/devices`,
    auth: 'bearer',
    handle(ctx) {
      const wanted = ctx.query.get('device_type');
      const devices = Object.entries(ctx.device.specs())
        .filter(([type]) => wanted === null || type === wanted)
        .map(([device_type, specs]) => ({ device_type, status: ctx.device.status(), availability: ctx.device.status() === 'UP' ? 'ACTIVE' : 'INACTIVE', specs }));
      if (wanted !== null && devices.length === 0) throw fail(404, `No device of type ${wanted}`);
      return ok(devices);
    },
  },
];
