/** peerCredentials(fd) on real Unix sockets: the kernel's view of who is at the other end. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { QrunError } from '../../../src/errors.js';
import { peerCredentials } from '../../../src/native/peercred.js';

const dir = mkdtempSync(join(tmpdir(), 'qrun-peercred-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fdOf = (socket: net.Socket): number => (socket as unknown as { _handle: { fd: number } })._handle.fd;

/** Starts a Unix server, runs `connect`, and returns the peer credentials of the first connection. */
async function credentialsOfFirstClient(name: string, connect: (path: string) => void) {
  const path = join(dir, name);
  const server = net.createServer();
  const seen = new Promise<ReturnType<typeof peerCredentials>>((resolve, reject) => {
    server.once('connection', (socket) => {
      try {
        resolve(peerCredentials(fdOf(socket)));
      } catch (e) {
        reject(e instanceof Error ? e : new Error(String(e)));
      } finally {
        socket.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  try {
    connect(path);
    return await seen;
  } finally {
    server.close();
  }
}

describe('peerCredentials', () => {
  it('reports this process for a connection from this process', async () => {
    let client: net.Socket | undefined;
    const cred = await credentialsOfFirstClient('self.sock', (path) => {
      client = net.connect(path);
      client.on('error', () => undefined);
    });
    client?.destroy();
    expect(cred).toEqual({ pid: process.pid, uid: process.getuid!(), gid: process.getgid!() });
  });

  it('reports the connecting child process, not the server', async () => {
    let childPid = -1;
    const cred = await credentialsOfFirstClient('child.sock', (path) => {
      const child = spawn(process.execPath, ['-e', `const s = require('net').connect(${JSON.stringify(path)}); s.on('error', () => {}); setTimeout(() => s.destroy(), 2000);`], {
        stdio: 'ignore',
      });
      childPid = child.pid ?? -1;
    });
    expect(cred.pid).toBe(childPid);
    expect(cred.pid).not.toBe(process.pid);
    expect(cred.uid).toBe(process.getuid!());
  });

  it('fails with AUTH_FAILED and the errno for a descriptor that is not a connected socket', () => {
    let error: unknown;
    try {
      peerCredentials(987654);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(QrunError);
    expect(error).toMatchObject({ code: 'AUTH_FAILED', message: expect.stringMatching(/fd 987654.*Bad file descriptor/) });
    expect(() => peerCredentials(-1)).toThrow(expect.objectContaining({ code: 'INTERNAL' }));
  });
});

/** Every src/ file that `entry` reaches through relative imports (static, re-exports and dynamic). */
function importClosure(entry: string): string[] {
  const seen = new Set<string>();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const [, spec] of readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)) {
      pending.push(resolve(dirname(file), spec!.replace(/\.js$/, '.ts')));
    }
  }
  return [...seen];
}

describe('peer credentials apart from the simulator', () => {
  it('src/native/peercred.ts loads the addon without the statevector engine or src/sim/', () => {
    const src = fileURLToPath(new URL('../../../src/', import.meta.url));
    const reached = importClosure(join(src, 'native', 'peercred.ts')).map((file) => relative(src, file));
    expect(reached).toContain('native/binding.ts');
    expect(reached.filter((file) => file.startsWith('sim/') || /^native\/(engine|select|fusion|lower)\.ts$/.test(file))).toEqual([]);
  });
});
