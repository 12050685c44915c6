/**
 * qpu-hook: the handler the SPANK shim runs as root, `node dist/hook/main.js <acquire|release>`,
 * with the JSON request on stdin and the line-oriented reply on stdout (protocol.ts). Exit 0
 * whenever a reply was written, also for a refusal (`qpu-reply 2 error`); any other exit makes the
 * shim fail the job with our stderr in the node's log. Start-up time is on every QPU job's launch path, so heavy modules
 * (pino, zod) load lazily, and scontrol starts before they do.
 */
import { ensurePrivateDir } from './fsutil.js';
import { statePaths } from './paths.js';
import { isHookAction, parseRequest, ProtocolError, renderReply, stepName, type HookReply, type HookRequest } from './protocol.js';
import { scontrolJobSource, type SlurmJobFacts, type SlurmJobSource } from '../slurm/job.js';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Starts `scontrol show job` at once, so it overlaps with loading the rest of the handler. */
function prefetched(source: SlurmJobSource, jobId: number): SlurmJobSource {
  const early = source.show(jobId);
  early.catch(() => undefined);
  return { show: (id: number): Promise<SlurmJobFacts> => (id === jobId ? early : source.show(id)) };
}

async function handle(request: HookRequest): Promise<HookReply> {
  const paths = statePaths(request.stateDir);
  const slurmBase = scontrolJobSource({
    timeoutMs: Math.max(1000, (request.timeoutSeconds - 1) * 1000),
    env: { PATH: process.env.PATH, SLURM_CONF: process.env.SLURM_CONF },
  });
  const slurm = request.action === 'acquire' ? prefetched(slurmBase, request.jobId) : slurmBase;
  try {
    await ensurePrivateDir(paths.root);
  } catch (error) {
    return {
      ok: false,
      message: `the QPU state directory ${paths.root} cannot be created on this node (${(error as Error).message}); ask your admin`,
    };
  }
  const [{ createHookLogger }, { loadCatalogue }, { processGateway }, { mintToken }, { backendSecret }] = await Promise.all([
    import('./logger.js'),
    import('./catalogue-cache.js'),
    import('../gateway/job-gateway.js'),
    import('../gateway/token.js'),
    import('../secrets/for-backend.js'),
  ]);
  // One gateway process per QPU job (src/gateway/), whatever the backend types.
  const gateway = processGateway({ env: process.env });
  // acquire/release bind jobId; each line adds its backend (and step) itself, so no key repeats.
  const log = createHookLogger(paths.log, { action: request.action });
  const deps = {
    paths,
    slurm,
    log,
    loadCatalogue: (path: string) => loadCatalogue(path, paths),
    gateway,
    // env: secrets come from the handler's own environment, which the shim fixes.
    secretFor: (alias: string, reference: string) => backendSecret(alias, reference, process.env),
    newToken: mintToken,
    now: () => new Date(),
    lockWaitMs: Math.max(1000, (request.timeoutSeconds - 2) * 1000),
  };
  try {
    if (request.action === 'acquire') {
      const { acquire } = await import('./acquire.js');
      return await acquire(request, deps);
    }
    const { release } = await import('./release.js');
    return await release(request, deps);
  } catch (error) {
    log.error({ err: error, jobId: request.jobId, backend: request.backends.join(',') || null, step: stepName(request.stepId) }, `${request.action} failed`);
    return {
      ok: false,
      message: `the QPU hook could not ${request.action} (${(error as Error).message}); ask your admin to check ${paths.log}`,
    };
  } finally {
    log.flush();
  }
}

/** The reply as text; one the shim would refuse becomes a refusal that says so (the lease stays for release). */
function rendered(reply: HookReply, request: HookRequest): string {
  try {
    return renderReply(reply);
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
    process.stderr.write(`qpu-hook: ${error.message}\n`);
    return renderReply({
      ok: false,
      message: `the QPU hook could not ${request.action} (${error.message}); ask your admin to check the node's slurmd log`,
    });
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const action = argv[0] ?? '';
  if (!isHookAction(action)) {
    process.stderr.write(`qpu-hook: usage: main.js <acquire|release> < request.json (got "${action}")\n`);
    return 2;
  }
  let request: HookRequest;
  try {
    request = parseRequest(await readStdin(), action);
  } catch (error) {
    if (error instanceof ProtocolError) {
      process.stderr.write(`qpu-hook: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  process.stdout.write(rendered(await handle(request), request));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`qpu-hook: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 70;
  },
);
