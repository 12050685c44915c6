/**
 * The addon's listenUnix (native/proc/listen.cc) as a UnixListener for the gateway launcher
 * (src/gateway/launch.ts): a listening socket no event loop accepts on. null when the addon is absent,
 * cannot be loaded or predates listenUnix: the caller then starts gateways before it answers.
 */
import { loadBinding } from './binding.js';

interface ListenExports {
  listenUnix(path: string, backlog: number): number;
}

/** Binds and listens at `path`; returns the descriptor (close-on-exec, the caller closes it). */
export type BareListener = (path: string, backlog: number) => number;

export function nativeUnixListener(root?: string): BareListener | null {
  let binding: Partial<ListenExports>;
  try {
    const found = loadBinding(root);
    if (found.status !== 'loaded') return null;
    binding = found.binding as unknown as Partial<ListenExports>;
  } catch {
    return null;
  }
  const listen = binding.listenUnix;
  if (typeof listen !== 'function') return null;
  return (path, backlog) => listen.call(binding, path, backlog);
}
