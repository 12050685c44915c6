/**
 * Who is on the other end of a connection. For the Unix socket this is SO_PEERCRED, which Node
 * cannot read: it comes from the native addon (src/native).
 * For loopback TCP the kernel's socket table (/proc/net/tcp) names the uid that owns the client's
 * socket. `null` means "unknown": the gateway then relies on the directory permissions and the token,
 * and says so in its log at start.
 */
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { fromNativeError, loadBinding } from '../native/binding.js';

interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

export type PeerCredentialsFn = (fd: number) => PeerCredentials;

/** The uid of a connection's peer, or null when it cannot be known. */
export type PeerUidLookup = (socket: Socket) => number | null;

/**
 * The native SO_PEERCRED reader, or null when no addon is built or shipped. An addon that exists but
 * cannot be loaded is an error (NATIVE_LOAD_FAILED): the gateway then refuses to start rather than
 * silently drop a check.
 */
export function loadPeerCredentials(): PeerCredentialsFn | null {
  const found = loadBinding();
  if (found.status === 'absent') return null;
  return (fd) => {
    try {
      return found.binding.peerCredentials(fd);
    } catch (error) {
      throw fromNativeError(error);
    }
  };
}

/** The file descriptor behind a net.Socket (libuv keeps it on the handle). */
function socketFd(socket: Socket): number | undefined {
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
