/**
 * qpu-hook: the handler the SPANK shim runs as root, `node dist/hook/main.js <acquire|release|reap>`
 * (or, resident, `serve`: the node's hook service, service.ts, which the shim asks first),
 * with the JSON request on stdin and the line-oriented reply on stdout (protocol.ts). Exit 0
 * whenever a reply was written, also for a refusal (`qpu-reply 2 error`); any other exit makes the
 * shim fail the job with our stderr in the node's log. Start-up time is on every QPU job's launch path, so heavy modules
 * (pino, zod) load lazily, and scontrol starts before they do.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { handle, rendered, writeTrace } from './handle.js';
import { isHookAction, parseRequest, ProtocolError, type HookReply, type HookRequest } from './protocol.js';
import { hookTrace } from './trace.js';

/** When this module's static imports were loaded: the trace's `main-loaded`. */
const mainLoadedAt = performance.now();

/** The service's two halves (service.ts), started by the handler itself, never by the shim. */
const SERVICE_ACTIONS = ['serve', 'serve-worker'] as const;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const warn = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * slurmd's start must not wait for Slurm's controller (which may be down at that moment): the shim's
 * `reap` is answered at once, and the reap itself runs in a detached process — the node's hook
 * service (plugstack service=yes, service.ts), which reaps as it starts, or a one-off copy of the
 * handler (service=no).
 */
function reapInBackground(raw: string, request: HookRequest): HookReply {
  const args = request.service === true ? ['serve'] : ['reap', '--foreground'];
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    detached: true,
    stdio: ['pipe', 'ignore', 'ignore'],
    env: process.env,
  });
  child.stdin.on('error', () => undefined);
  child.stdin.end(raw);
  child.unref();
  return { ok: true, message: request.service === true ? 'reap started by the hook service' : 'reap started' };
}

export async function main(argv: readonly string[]): Promise<number> {
  const action = argv[0] ?? '';
  if ((SERVICE_ACTIONS as readonly string[]).includes(action)) {
    const raw = await readStdin();
    let request: HookRequest;
    try {
      request = parseRequest(raw, 'reap');
    } catch (error) {
      if (error instanceof ProtocolError) {
        warn(`qpu-hook: ${error.message}`);
        return 2;
      }
      throw error;
    }
    const service = await import('./service.js');
    return action === 'serve' ? service.keep(raw, request, process.env) : service.work(request, process.env);
  }
  if (!isHookAction(action)) {
    process.stderr.write(`qpu-hook: usage: main.js <acquire|release|reap> [--detached] < request.json (got "${action}")\n`);
    return 2;
  }
  let request: HookRequest;
  const raw = await readStdin();
  try {
    request = parseRequest(raw, action);
  } catch (error) {
    if (error instanceof ProtocolError) {
      process.stderr.write(`qpu-hook: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  if (action === 'reap' && argv[1] !== '--foreground') {
    process.stdout.write(rendered(reapInBackground(raw, request), request, warn));
    return 0;
  }
  if (argv[1] === '--detached') {
    // Started by job_epilog without a timeout watching it (spank/job_script.c): it bounds itself.
    // eslint-disable-next-line no-restricted-properties -- the shim's timeout, kept by the handler itself
    setTimeout(() => process.exit(75), request.timeoutSeconds * 1000).unref();
  }
  const trace = hookTrace(request.traceUs);
  trace.markAt('main-loaded', mainLoadedAt);
  trace.mark('request-read');
  const context = { env: process.env };
  const reply = rendered(await handle(request, trace, context), request, warn);
  process.stdout.write(reply);
  trace.mark('reply-written');
  writeTrace(request, trace, context);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    // The service's halves return only when they stop; their exit code is the keeper's signal.
    if ((SERVICE_ACTIONS as readonly string[]).includes(process.argv[2] ?? '')) {
      // eslint-disable-next-line no-restricted-properties -- the service decided to stop: open handles must not keep it
      process.exit(code);
    }
    process.exitCode = code;
    // A vendor call given up on (release's time budget) may still hold the event loop: the reply
    // is written, so the handler ends now rather than at the shim's timeout.
    // eslint-disable-next-line no-restricted-properties -- the handler is no CLI: nothing else may keep it alive past its reply
    setTimeout(() => process.exit(code), 200).unref();
  },
  (error: unknown) => {
    process.stderr.write(`qpu-hook: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
