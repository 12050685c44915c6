/** Mounts and route matching: `/api/v1` + `/jobs/{id}` matches `/api/v1/jobs/abc` with {id: 'abc'}. */
import type { Route } from './routes/types.js';

export interface Mount {
  readonly prefix: string;
  readonly routes: readonly Route[];
}

export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
  /** `METHOD pattern` (runtime routes) or `METHOD prefix+pattern` (other mounts). */
  readonly name: string;
}

function matchPattern(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i] ?? '';
    const g = got[i] ?? '';
    if (w.startsWith('{') && w.endsWith('}')) {
      if (g === '') return null;
      params[w.slice(1, -1)] = decodeURIComponent(g);
    } else if (w !== g) return null;
  }
  return params;
}

/**
 * The route for a request; `methodMismatch` when the path exists under another method (405), null
 * when nothing matches (404). Runtime routes are named without their `/api/v1` prefix.
 */
export function match(mounts: readonly Mount[], runtimePrefix: string, method: string, path: string): Match | 'methodMismatch' | null {
  let pathKnown = false;
  for (const mount of mounts) {
    if (!path.startsWith(mount.prefix)) continue;
    const rest = path.slice(mount.prefix.length).replace(/\/$/, '') || '/';
    for (const route of mount.routes) {
      const params = matchPattern(route.pattern, rest);
      if (params === null) continue;
      if (route.method !== method) {
        pathKnown = true;
        continue;
      }
      const name = mount.prefix === runtimePrefix ? `${method} ${route.pattern}` : `${method} ${mount.prefix}${route.pattern}`;
      return { route, params, name };
    }
  }
  return pathKnown ? 'methodMismatch' : null;
}
