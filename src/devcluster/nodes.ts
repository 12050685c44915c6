/**
 * `dev-cluster up --nodes N`: N Slurm nodes on this one machine. Debian's slurmd is built with
 * --enable-multiple-slurmd (measured: `slurmd -N <name>` with a `Port=` per NodeName line registers
 * each as its own node), so the daemons share the host's network and differ by port. What they must
 * not share is what a real node keeps to itself: the plugin's state directory (leases, lanes, locks,
 * hook log) and the gateways' runtime root. Each slurmd therefore runs in its own mount and UTS
 * namespace (unshare), where its own directories are bind-mounted over those two paths and the
 * hostname is the node's name. The namespaces hold no name in the file system: they vanish with
 * the last process in them, which `down` stops by its marker.
 */
import { join } from 'node:path';

/** Where every gateway of a node keeps its socket directory (src/gateway/launch.ts). */
export const GATEWAY_RUNTIME_ROOT = '/run/slurm-qpu';

export interface DevNode {
  readonly name: string;
  /** slurmd's port (`Port=` on its NodeName line). */
  readonly port: number;
  /** Whether the node carries the catalogue's QPU GRES (the last node of several is CPU-only). */
  readonly qpu: boolean;
}

/**
 * The nodes of an N-node cluster: qn1..qnN. Node 1 listens where a single-host slurmd does
 * (base+1); base+2 and base+3 stay MariaDB's and slurmdbd's, so nodes 2.. take base+4 onwards.
 */
export function devNodes(count: number, portBase: number): DevNode[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `qn${i + 1}`,
    port: i === 0 ? portBase + 1 : portBase + 3 + i,
    qpu: count === 1 || i < count - 1,
  }));
}

/** Slurm's hostlist syntax for consecutive dev node numbers: `qn[1-2]`, `qn3`. */
export function hostlist(nodes: readonly DevNode[]): string {
  if (nodes.length === 1) return nodes[0]?.name ?? '';
  const numbers = nodes.map((n) => Number(n.name.slice(2)));
  return `qn[${Math.min(...numbers)}-${Math.max(...numbers)}]`;
}

/** A node's own directories under the runtime directory, seen from the host. */
export function nodeDirs(runtimeDir: string, node: string): { root: string; qpuState: string; gatewayRoot: string } {
  const root = join(runtimeDir, 'nodes', node);
  return { root, qpuState: join(root, 'qpu'), gatewayRoot: join(root, 'run') };
}

export interface NamespacedSlurmd {
  readonly node: string;
  readonly slurmConf: string;
  /** The plugin's state_dir as plugstack.conf names it, and the node's own directory for it. */
  readonly stateDir: string;
  readonly ownStateDir: string;
  readonly ownGatewayRoot: string;
}

/**
 * The command that starts one node's slurmd in fresh mount and UTS namespaces. unshare execs the
 * shell and the shell execs slurmd, so the pid spawned is slurmd's. Private propagation keeps the
 * bind mounts out of the host's namespace; nothing needs unmounting afterwards.
 */
export function namespacedSlurmd(spec: NamespacedSlurmd): { command: string; args: string[] } {
  const script = 'hostname "$1" && mount --bind "$2" "$3" && mount --bind "$4" "$5" && exec /usr/sbin/slurmd -D -N "$1" -f "$6"';
  return {
    command: '/usr/bin/unshare',
    args: [
      '--mount',
      '--uts',
      '--propagation',
      'private',
      '/bin/sh',
      '-c',
      script,
      'slurmd-ns',
      spec.node,
      spec.ownStateDir,
      spec.stateDir,
      spec.ownGatewayRoot,
      GATEWAY_RUNTIME_ROOT,
      spec.slurmConf,
    ],
  };
}
