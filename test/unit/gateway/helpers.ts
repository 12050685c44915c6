import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/log/logger.js';
import { parseGatewayConfig, type GatewayConfigWire } from '../../../src/gateway/config.js';
import type { PeerUidLookup } from '../../../src/gateway/peer.js';
import type { TaskRunner } from '../../../src/backends/types.js';
import { startGatewayServer, type GatewayServer } from '../../../src/gateway/server.js';
import { mintToken } from '../../../src/gateway/token.js';

export const JOB_ID = 4242;
export const UID = process.getuid?.() ?? 0;

export function example(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../../examples/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export interface TestGateway {
  readonly server: GatewayServer;
  readonly token: string;
  readonly endpoint: string;
  readonly dir: string;
  readonly usageFile: string;
  stop(): Promise<void>;
}

export interface TestGatewayOptions {
  readonly config?: Partial<GatewayConfigWire>;
  readonly peerUid?: PeerUidLookup;
  readonly runners?: Readonly<Record<string, TaskRunner>>;
}

/** A real gateway server on a Unix socket in a temp dir, in this process. */
export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = await mkdtemp(join(tmpdir(), 'qpu-gw-'));
  const token = mintToken(JOB_ID, UID);
  const socketPath = join(dir, 'gateway.sock');
  const usageFile = join(dir, 'usage.json');
  const config = parseGatewayConfig({
    version: 1,
    jobId: JOB_ID,
    uid: UID,
    token,
    deadline: null,
    socketPath,
    backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 10, max_shots: 100_000 } }],
    usageFile,
    jobCheckSeconds: 0,
    ...options.config,
  });
  const server = await startGatewayServer(config, {
    logger: createLogger({ name: 'gateway-test', level: 'silent' }),
    peerUid: options.peerUid ?? (() => UID),
    ...(options.runners === undefined ? {} : { runners: options.runners }),
  });
  let stopped = false;
  return {
    server,
    token,
    endpoint: `unix:${socketPath}`,
    dir,
    usageFile,
    async stop() {
      if (stopped) return;
      stopped = true;
      const { QrunError } = await import('../../../src/errors.js');
      await server.close(new QrunError('TASK_CANCELLED', 'test over'));
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** A runner whose tasks wait until released (or cancelled): for queue, limit and cancel tests. */
export function heldRunner(): { runner: TaskRunner; release: () => void; started: () => number } {
  let count = 0;
  const waiters: (() => void)[] = [];
  return {
    runner: {
      prepare: () => ({
        run: (signal) =>
          new Promise((resolve, reject) => {
            count += 1;
            const done = (): void => resolve({ kind: 'estimator', pubs: [], metadata: {} });
            waiters.push(done);
            signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
          }),
      }),
    },
    release: () => {
      for (const w of waiters.splice(0)) w();
    },
    started: () => count,
  };
}
