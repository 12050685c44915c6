/**
 * `npm run dev-cluster -- up|down|status`: a throwaway single-host Slurm cluster (Debian's slurmctld,
 * slurmd and munge) with the freshly built SPANK shim loaded. Tests, benchmarks and the docs'
 * "try it on one machine" section all use it; docs/dev-cluster.md is its guide.
 */
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { asQrunError } from '../errors.js';
import { exitCodeFor } from '../cli/exit-codes.js';
import { down, status, up } from './cluster.js';
import { clusterPaths } from './paths.js';

const say = (line: string): void => {
  process.stderr.write(`dev-cluster: ${line}\n`);
};

function positiveInt(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65534) throw new InvalidArgumentError('expected a port number');
  return value;
}

function nodeCount(text: string): number {
  const value = Number(text);
  // Each node is a slurmd (~10 MB) and a port: a handful shows every multi-node behaviour.
  if (!Number.isInteger(value) || value < 1 || value > 16) throw new InvalidArgumentError('expected a node count from 1 to 16');
  return value;
}

function buildProgram(): Command {
  const program = new Command('dev-cluster')
    .description(
      'Start, stop or inspect a throwaway single-host Slurm cluster with the slurm-qpu SPANK plugin loaded.\n' +
        'Needs root (it installs Debian packages when missing and starts daemons). State and logs: .dev-cluster/',
    )
    .exitOverride()
    .configureOutput({ outputError: () => undefined })
    .showHelpAfterError(false);

  program
    .command('up')
    .description('build the shim, write slurm.conf/gres.conf/plugstack.conf, start munged, slurmctld, slurmd (one per node); wait until every node is idle')
    .option('--catalogue <file>', 'QPU catalogue to load (default: slurm-conf/dev-cluster/qpu.json)')
    .option('--no-build', 'use the existing dist/ and build-spank/spank_qpu.so instead of building')
    .option('--port-base <port>', 'slurmctld port; slurmd uses the next one', positiveInt, 6817)
    .option('--test-user <name>', 'ordinary user for jobs that must not run as root (created when missing)', 'qputest')
    .option('--second-user <name>', 'a second ordinary user, for tests where one user must not reach another\'s work (created when missing)')
    .option('--service-user <name>', 'unprivileged user for per-job services (created when missing)', 'qpu-gateway')
    .option('--hook-timeout <seconds>', 'seconds the shim waits for the hook handler', positiveInt, 30)
    .option('--nodes <count>', 'Slurm nodes on this host: qn1..qnN, the last of several CPU-only (docs/dev-cluster.md)', nodeCount, 1)
    .option('--trace', 'plugstack trace=yes: each QPU handler run writes its start-up timestamps to the hook log')
    .option('--no-hook-service', 'plugstack service=no: no resident hook service on the nodes; every hook call starts a handler process')
    .option('--accounting', 'also start slurmdbd with a MariaDB on loopback (ports base+2, base+3), so sacct shows QPU use')
    .action(async (opts: { catalogue?: string; build: boolean; portBase: number; testUser: string; secondUser?: string; serviceUser: string; hookTimeout: number; accounting?: boolean; nodes: number; trace?: boolean; hookService: boolean }) => {
      const started = Date.now();
      const paths = clusterPaths();
      const record = await up(
        paths,
        {
          ...(opts.catalogue === undefined ? {} : { catalogue: opts.catalogue }),
          build: opts.build,
          portBase: opts.portBase,
          testUser: opts.testUser,
          ...(opts.secondUser === undefined ? {} : { secondUser: opts.secondUser }),
          serviceUser: opts.serviceUser,
          hookTimeout: opts.hookTimeout,
          accounting: opts.accounting === true,
          nodes: opts.nodes,
          trace: opts.trace === true,
          hookService: opts.hookService,
        },
        say,
      );
      const nodes = record.nodes?.map((n) => n.name).join(' ') ?? record.hostname;
      say(`up in ${((Date.now() - started) / 1000).toFixed(1)} s: node${record.nodes ? 's' : ''} ${nodes} idle`);
      process.stdout.write(`. ${paths.envFile}   # then: sinfo, sbatch, srun ...\n`);
    });

  program
    .command('down')
    .description('cancel every job, stop exactly the daemons `up` started, remove their runtime files')
    .action(async () => {
      await down(clusterPaths(), say);
      say('down');
    });

  program
    .command('status')
    .description('say whether the dev cluster runs, which daemons are alive, and the node state')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const result = await status(clusterPaths());
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      process.stdout.write(`dev cluster: ${result.state}\n`);
      for (const d of result.daemons) process.stdout.write(`  ${d.name.padEnd(10)} pid ${d.pid} ${d.alive ? 'running' : 'NOT running'}\n`);
      if (result.record) process.stdout.write(`  runtime dir ${result.record.runtimeDir}\n`);
      if (result.nodes) process.stdout.write(`${result.nodes}\n`);
    });
  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  try {
    await buildProgram().parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.exitCode === 0) return 0;
      process.stderr.write(`dev-cluster: ${error.message.replace(/^error: /, '')}\n  hint: npm run dev-cluster -- --help\n`);
      return 2;
    }
    const qrunError = asQrunError(error);
    process.stderr.write(`dev-cluster: error [${qrunError.code}]: ${qrunError.message}\n`);
    if (qrunError.hint) process.stderr.write(`  hint: ${qrunError.hint}\n`);
    return exitCodeFor(qrunError.code);
  }
}

process.exitCode = await main(process.argv.slice(2));
