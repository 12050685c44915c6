/**
 * The API's routes (Quantum System API v1 plus the IAM token endpoint), one table: method, pattern,
 * whether a bearer token is needed, and the handler. Patterns double as fault and log route names.
 */
import type { Auth } from './auth.js';
import { backendDocument, configurationDocument, lanesDocument, propertiesDocument, type FakeBackend } from './backends.js';
import { errorBody, type ApiErrorKind } from './errors.js';
import { json, jsonBody, type FakeRequest, type Reply } from './http.js';
import type { QuantumSystemService } from './service.js';

export const SERVICE_VERSION = '0.25.0';
export const API_VERSIONS = ['2025-01-01'];

type Params = Readonly<Record<string, string>>;

export interface Route {
  readonly method: string;
  readonly pattern: string;
  readonly auth: boolean;
  readonly handle: (params: Params, req: FakeRequest, forced: ApiErrorKind | undefined) => Reply;
}

export function match(routes: readonly Route[], method: string, segments: readonly string[]): { route: Route; params: Params } | undefined {
  for (const route of routes) {
    if (route.method !== method) continue;
    const parts = route.pattern.split('/').slice(1);
    if (parts.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const ok = parts.every((part, i) => {
      const seg = segments[i] ?? '';
      if (part.startsWith(':')) {
        params[part.slice(1)] = seg;
        return seg !== '';
      }
      return part === seg;
    });
    if (ok) return { route, params };
  }
  return undefined;
}

export function routeNotFound(method: string, path: string): Reply {
  return json(404, errorBody(404, '1404', `No route for ${method} ${path}.`, 'Not Found'));
}

export function apiRoutes(service: QuantumSystemService, auth: Auth): Route[] {
  const withBackend = (name: string, render: (b: FakeBackend) => unknown): Reply => {
    const backend = service.backendOr404(name);
    return 'lanes' in backend ? json(200, render(backend)) : backend;
  };
  const name = (p: Params): string => p['name'] ?? '';
  const id = (p: Params): string => p['id'] ?? '';
  return [
    { method: 'POST', pattern: '/identity/token', auth: false, handle: (_p, req) => auth.iamToken(req) },
    { method: 'POST', pattern: '/v1/token', auth: false, handle: (_p, req) => auth.appIdToken(req) },
    { method: 'GET', pattern: '/version', auth: false, handle: () => json(200, { version: SERVICE_VERSION }) },
    { method: 'GET', pattern: '/versions', auth: false, handle: () => json(200, { versions: API_VERSIONS }) },
    { method: 'GET', pattern: '/v1/backends', auth: true, handle: () => json(200, { backends: [...service.backends.values()].map(backendDocument) }) },
    { method: 'GET', pattern: '/v1/backends/:name', auth: true, handle: (p) => withBackend(name(p), backendDocument) },
    { method: 'GET', pattern: '/v1/backends/:name/configuration', auth: true, handle: (p) => withBackend(name(p), configurationDocument) },
    { method: 'GET', pattern: '/v1/backends/:name/properties', auth: true, handle: (p) => withBackend(name(p), (b) => propertiesDocument(b)) },
    {
      method: 'GET',
      pattern: '/v1/backends/:name/defaults',
      auth: true,
      // Fractional-gate era backends carry no pulse calibrations; the document exists but is empty.
      handle: (p) => withBackend(name(p), (b) => ({ backend_name: b.name, qubit_freq_est: Array(b.numQubits).fill(5.0), meas_freq_est: Array(b.numQubits).fill(7.0), buffer: 0, pulse_library: [], cmd_def: [] })),
    },
    { method: 'GET', pattern: '/v1/backends/:name/lanes', auth: true, handle: (p) => withBackend(name(p), lanesDocument) },
    { method: 'POST', pattern: '/v1/jobs', auth: true, handle: (_p, req, forced) => service.createJob(jsonBody(req), forced) },
    { method: 'GET', pattern: '/v1/jobs', auth: true, handle: (_p, req) => service.listJobs(req.query) },
    { method: 'GET', pattern: '/v1/jobs/:id', auth: true, handle: (p) => service.getJob(id(p)) },
    { method: 'POST', pattern: '/v1/jobs/:id/cancel', auth: true, handle: (p) => service.cancelJob(id(p)) },
    { method: 'DELETE', pattern: '/v1/jobs/:id', auth: true, handle: (p) => service.deleteJob(id(p)) },
  ];
}
