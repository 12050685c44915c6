/** Sessions and batches: create, read, stop accepting jobs (PATCH), close (DELETE .../close). */
import type { Core } from '../core.js';
import { runtimeError } from '../errors.js';
import { newId, now, sessionView, type FakeSession } from '../state.js';
import { jsonBody, noContent, type Route, type RouteRequest } from './types.js';

/** IBM's ceiling for a session's max_ttl (8 hours) and its default when none is given. */
const MAX_TTL_SECONDS = 28_800;

export function findSession(id: string, core: Core): FakeSession {
  const session = core.sessions.get(id);
  if (session === undefined) throw runtimeError(404, 'not_found', 'unknown session');
  core.expire(session);
  return session;
}

function session(req: RouteRequest, core: Core): FakeSession {
  return findSession(req.params['id'] ?? '', core);
}

export const sessionRoutes: readonly Route[] = [
  {
    method: 'POST',
    pattern: '/sessions',
    guard: 'runtime',
    handle: (req, core) => {
      const body = jsonBody(req);
      const mode = body['mode'] ?? 'dedicated';
      if (mode !== 'batch' && mode !== 'dedicated') throw runtimeError(400, 'bad_request', `mode must be "batch" or "dedicated", got ${JSON.stringify(mode)}.`);
      const backend = body['backend'];
      if (typeof backend !== 'string' || !core.devices.has(backend)) {
        throw runtimeError(400, 'bad_request', `backend ${JSON.stringify(backend)} is not available to this instance.`);
      }
      const maxTtl = body['max_ttl'] ?? MAX_TTL_SECONDS;
      if (typeof maxTtl !== 'number' || !Number.isInteger(maxTtl) || maxTtl < 1 || maxTtl > MAX_TTL_SECONDS) {
        throw runtimeError(400, 'bad_request', `max_ttl must be an integer from 1 to ${MAX_TTL_SECONDS} seconds.`);
      }
      const created = now();
      const s: FakeSession = {
        id: newId(),
        backend,
        mode: mode,
        maxTtl,
        createdAt: created,
        state: 'open',
        acceptingJobs: true,
        activatedAt: null,
        closedAt: null,
        lastJobStarted: null,
        lastJobCompleted: null,
        jobIds: [],
        timestamps: [{ status: 'open', timestamp: created }],
        endedBy: null,
      };
      core.sessions.set(s.id, s);
      return { status: 200, json: sessionView(s) };
    },
  },
  { method: 'GET', pattern: '/sessions/{id}', guard: 'runtime', handle: (req, core) => ({ status: 200, json: sessionView(session(req, core)) }) },
  {
    method: 'PATCH',
    pattern: '/sessions/{id}',
    guard: 'runtime',
    handle: (req, core) => {
      const s = session(req, core);
      const body = jsonBody(req);
      if (body['accepting_jobs'] !== false) throw runtimeError(400, 'bad_request', 'Only {"accepting_jobs": false} can be set on a session.');
      core.stopAccepting(s);
      return noContent;
    },
  },
  {
    method: 'DELETE',
    pattern: '/sessions/{id}/close',
    guard: 'runtime',
    handle: (req, core) => {
      core.closeSession(session(req, core));
      return noContent;
    },
  },
];
