/**
 * The addon's listenUnix (native/proc/listen.cc) for the gateway launcher
 * (src/gateway/launch.ts): a listening socket no event loop accepts on. null when the addon is absent,
 * cannot be loaded or predates listenUnix: the caller then starts gateways before it answers.
 */
import { optionalBindingFunction } from './binding.js';

/** Binds and listens at `path`; returns the descriptor (close-on-exec, the caller closes it). */
export type UnixListener = (path: string, backlog: number) => number;

export function nativeUnixListener(root?: string): UnixListener | null {
  return optionalBindingFunction<UnixListener>('listenUnix', root);
}
