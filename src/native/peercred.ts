/**
 * The pid, uid and gid of the process at the other end of a connected Unix socket (SO_PEERCRED),
 * read by the kernel and so not forgeable by the peer: how the job gateway knows which user a request
 * on its Unix socket comes from. Needs the native addon (there is no TypeScript equivalent).
 */
import { QrunError } from '../errors.js';
import { fromNativeError, loadBinding } from './binding.js';

export interface PeerCredentials {
  readonly pid: number;
  readonly uid: number;
  readonly gid: number;
}

/** `fd` is the descriptor of a connected Unix socket (for a net.Socket: `socket._handle.fd`). */
export function peerCredentials(fd: number, root?: string): PeerCredentials {
  const found = loadBinding(root);
  if (found.status === 'absent') {
    throw new QrunError('NOT_IMPLEMENTED', 'peer credentials need the native addon, which is not built or shipped', {
      hint: 'Build it with `npm rebuild slurm-qpu` (or `npm run build:native` in a checkout).',
    });
  }
  try {
    return found.binding.peerCredentials(fd);
  } catch (error) {
    throw fromNativeError(error);
  }
}
