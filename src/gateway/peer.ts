/**
 * Who is on the other end of a connection. For the Unix socket this is SO_PEERCRED, which Node
 * cannot read: it comes from the native addon (src/native) when that exports `peerCredentials(fd)`.
 * For loopback TCP the kernel's socket table (/proc/net/tcp) names the uid that owns the client's
 * socket. `null` means "unknown": the gateway then relies on the directory permissions and the token,
 * and says so in its log at start.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';

export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export type PeerCredentialsFn = (fd: number) => PeerCredentials;

/** The uid of a connection's peer, or null when it cannot be known. */
export type PeerUidLookup = (socket: Socket) => number | null;

const NATIVE_MODULE = '../native/index.js';

function isPeerFn(value: unknown): value is PeerCredentialsFn {
  return typeof value === 'function';
}

/** The native SO_PEERCRED reader, or null while the addon does not provide one. */
export async function loadPeerCredentials(): Promise<PeerCredentialsFn | null> {
  let mod: unknown;
  try {
    mod = await import(new URL(NATIVE_MODULE, import.meta.url).href);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
  const fn = typeof mod === 'object' && mod !== null ? (mod as Record<string, unknown>)['peerCredentials'] : undefined;
  return isPeerFn(fn) ? fn : null;
}

/** The file descriptor behind a net.Socket (libuv keeps it on the handle). */
export function socketFd(socket: Socket): number | undefined {
  const handle = (socket as unknown as { _handle?: { fd?: unknown } })._handle;
  return typeof handle?.fd === 'number' && handle.fd >= 0 ? handle.fd : undefined;
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * Finds the client's socket in /proc/net/tcp: its local end is the peer's port and its remote end
 * is ours. Both are on 127.0.0.1 (the gateway listens on loopback only).
 */
export function tcpPeerUid(socket: Socket, table: () => string = () => readFileSync('/proc/net/tcp', 'utf8')): number | null {
  if (socket.remotePort === undefined || socket.localPort === undefined) return null;
  const local = `0100007F:${hexPort(socket.remotePort)}`;
  const remote = `0100007F:${hexPort(socket.localPort)}`;
  for (const line of table().split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] === local && fields[2] === remote) {
      const uid = Number(fields[7]);
      return Number.isInteger(uid) ? uid : null;
    }
  }
  return null;
}

export function createPeerLookup(native: PeerCredentialsFn | null): PeerUidLookup {
  return (socket) => {
    if (socket.remoteAddress !== undefined) return socket.remoteAddress === '127.0.0.1' ? tcpPeerUid(socket) : null;
    if (native === null) return null;
    const fd = socketFd(socket);
    return fd === undefined ? null : native(fd).uid;
  };
}
