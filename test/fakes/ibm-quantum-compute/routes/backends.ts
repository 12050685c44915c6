/** `GET /backends` and a backend's configuration, properties and status. */
import type { Core } from '../core.js';
import { configurationOf, listEntryOf, propertiesOf, statusOf, type DeviceSpec } from '../devices.js';
import { runtimeError } from '../errors.js';
import type { Route, RouteRequest } from './types.js';

function device(req: RouteRequest, core: Core): DeviceSpec {
  const found = core.devices.get(req.params['name'] ?? '');
  if (found === undefined) throw runtimeError(404, 'not_found', `Backend ${req.params['name'] ?? ''} was not found.`);
  return found;
}

export const backendRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: '/backends',
    guard: 'runtime',
    handle: (_req, core) => ({ status: 200, json: { devices: [...core.devices.values()].map((d) => listEntryOf(d, core.pendingOn(d.name))) } }),
  },
  { method: 'GET', pattern: '/backends/{name}/configuration', guard: 'runtime', handle: (req, core) => ({ status: 200, json: configurationOf(device(req, core)) }) },
  { method: 'GET', pattern: '/backends/{name}/properties', guard: 'runtime', handle: (req, core) => ({ status: 200, json: propertiesOf(device(req, core)) }) },
  {
    method: 'GET',
    pattern: '/backends/{name}/status',
    guard: 'runtime',
    handle: (req, core) => {
      const d = device(req, core);
      return { status: 200, json: statusOf(d, core.pendingOn(d.name)) };
    },
  },
];
