/**
 * What the shim's settings point at on this node: the Node binary and handler (does it run?), the
 * service user the gateway runs as, and the root-only state directory.
 */
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { runningKeeper } from '../../hook/service-pid.js';
import type { ShimSettings } from '../../slurm/plugstack.js';
import { lookupAccount } from '../accounts.js';
import { fail, ok, warn, type Finding } from './finding.js';

/** Runs the handler with no action: it loads and prints its usage line (exit 2) and touches nothing. */
function runHandler(node: string, handler: string): Promise<{ code: number | null; stderr: string; error?: string }> {
  return new Promise((resolve) => {
    execFile(node, [handler], { encoding: 'utf8', timeout: 20_000, env: { PATH: '/usr/bin:/bin' } }, (error, _stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stderr, ...(code === null && error !== null ? { error: error.message } : {}) });
    });
  });
}

export async function handlerFindings(settings: ShimSettings): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const problem of settings.problems) {
    findings.push(fail('plugin.arguments', `plugstack.conf: ${problem}; the shim refuses every QPU job`, 'Fix the spank_qpu.so line (keys: config, handler, node, state_dir, timeout, service_user, trace, service; docs/admin-guide.md).'));
  }
  const node = await stat(settings.node).catch(() => null);
  if (node === null || !node.isFile() || (node.mode & 0o111) === 0) {
    findings.push(fail('handler.node', `node=${settings.node} is not an executable file`, 'Install Node.js 20 (apt-get install nodejs) or set node= on the spank_qpu.so line to its path (which node).'));
    return findings;
  }
  const result = await runHandler(settings.node, settings.handler);
  if (result.code === 2 && /qpu-hook: usage/.test(result.stderr)) {
    findings.push(ok('handler.runs', `${settings.node} ${settings.handler} runs`));
  } else {
    const said = result.error ?? (result.stderr.trim().split('\n').slice(-1)[0] ?? '');
    findings.push(fail('handler.runs', `${settings.node} ${settings.handler} does not run (exit ${result.code ?? 'none'}: ${said})`, 'Install slurm-qpu where handler= points (npm install -g slurm-qpu puts it at /usr/lib/node_modules/slurm-qpu/dist/hook/main.js) or fix handler= on the spank_qpu.so line.'));
  }
  return findings;
}

export async function serviceUserFindings(settings: ShimSettings): Promise<Finding[]> {
  if (settings.service_user === null) {
    return [warn('service_user', 'plugstack.conf sets no service_user=: only backends that need no credential (sim) can run', 'Add service_user=qpu-gateway to the spank_qpu.so line (qrun admin install creates the account).')];
  }
  const account = await lookupAccount(settings.service_user);
  if (account === null) {
    return [fail('service_user', `service_user ${settings.service_user} does not exist on this node`, `useradd --system --no-create-home --shell /usr/sbin/nologin ${settings.service_user} (or qrun admin install)`)];
  }
  if (account.uid === 0) return [fail('service_user', `service_user ${settings.service_user} is uid 0`, 'Use a dedicated unprivileged account: the gateway must not run as root.')];
  return [ok('service_user', `service_user ${settings.service_user} is uid ${account.uid}`)];
}

export async function stateDirFindings(settings: ShimSettings): Promise<Finding[]> {
  const dir = settings.state_dir;
  const info = await stat(dir).catch(() => null);
  const fix = `install -d -m 700 -o root -g root ${dir}`;
  if (info === null) return [warn('state_dir', `state_dir ${dir} does not exist yet (the hook creates it at the first QPU job)`, fix)];
  if (!info.isDirectory()) return [fail('state_dir', `state_dir ${dir} is not a directory`, `Remove it, then ${fix}`)];
  if (info.uid !== 0) return [fail('state_dir', `state_dir ${dir} is owned by uid ${info.uid}, not root`, `chown root:root ${dir} && chmod 700 ${dir}`)];
  if ((info.mode & 0o077) !== 0) return [fail('state_dir', `state_dir ${dir} has mode 0${(info.mode & 0o777).toString(8)}: leases and usage records are root's alone`, `chmod 700 ${dir}`)];
  return [ok('state_dir', `state_dir ${dir}: root's, mode 0700`)];
}

/** Whether the node's resident hook service runs (its keeper's pid file names a live process). Root only: the state directory is root's. */
export async function hookServiceFindings(settings: ShimSettings): Promise<Finding[]> {
  if (!settings.service) return [ok('hook-service', 'service=no: every hook call starts a handler process (docs/adr/0008-resident-hook-service.md)')];
  const n = await runningKeeper(settings.state_dir);
  if (n !== null) return [ok('hook-service', `the hook service runs (keeper pid ${n}, socket ${join(settings.state_dir, 'hook.sock')})`)];
  return [
    warn(
      'hook-service',
      'no hook service runs on this node: QPU jobs still run, but each hook call starts a handler process',
      `Restart slurmd (its start starts the service), then look for "hook service" in ${join(settings.state_dir, 'hook.log')}; or set service=no to silence this.`,
    ),
  ];
}
