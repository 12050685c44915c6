// The largest state this 24 GiB machine holds: 29 qubits in complex128 (8 GiB), simulated in a child
// process whose peak resident memory (VmHWM) is reported; and 30 qubits, which the default limit
// (half of physical memory) refuses with CIRCUIT_TOO_LARGE before allocating anything.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const opts = flags({ qubits: 29, child: '' });

if (opts.child !== '') {
  const { readFileSync } = await import('node:fs');
  const { hCxRz, identityObservable } = await import('./lib/circuits.mjs');
  const { engines } = await import('./lib/engines.mjs');
  const n = Number(opts.child);
  const { native } = engines();
  const c = hCxRz(n, 1);
  const t0 = performance.now();
  let outcome;
  try {
    const [norm] = await native.expectationValues(c, [], [identityObservable(n)]);
    outcome = { ok: true, norm };
  } catch (error) {
    outcome = { ok: false, code: error.code, message: error.message };
  }
  const ms = performance.now() - t0;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  console.log(JSON.stringify({ n, ms, peakBytes: hwm ? Number(hwm[1]) * 1024 : null, gates: c.ops.length, ...outcome }));
  process.exit(0);
}

const self = fileURLToPath(import.meta.url);
const rows = [];
for (const n of [opts.qubits, opts.qubits + 1]) {
  const out = execFileSync(process.execPath, ['--import', 'tsx', self, '--child', String(n)], { encoding: 'utf8', timeout: 900_000 });
  const r = JSON.parse(out.trim().split('\n').pop());
  rows.push([n, `${(16 * 2 ** n) / 2 ** 30} GiB`, r.ok ? 'ran' : r.code, fmt.ms(r.ms), r.peakBytes === null ? '?' : `${(r.peakBytes / 2 ** 30).toFixed(2)} GiB`, r.ok ? r.norm.toFixed(12) : r.message.slice(0, 60)]);
}
table(`largest states, complex128, H + CX chain + RZ (${machine()})`, ['qubits', 'state', 'result', 'ms', 'peak RSS', '<I> / message'], rows);
reproduce('memory.mjs', [`--qubits ${opts.qubits}`]);
