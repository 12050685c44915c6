// The native engine and its peers — Qiskit Aer, qsim (qsimcirq) and Qulacs — on the same circuits in
// one run: quantum volume, brickwork (depth 20), QFT and GHZ at each size, 10^6 shots, 1,000 Pauli
// expectations and a dynamic circuit. Brickwork runs twice: with ⟨Z₀⟩, whose backward light cone an
// engine may simulate instead of the whole register (Aer and the native engine do), and with ⟨Z⊗…⊗Z⟩
// on every qubit, which no engine can reduce; a cell says so when fewer qubits than the row's were
// simulated (Aer's own metadata, the native engine's cone). Each row is run by every engine one after
// the other (the native engine in this process, each peer in a Python process of its own started for
// the row), with the same thread count and precision: complex64 rows compare with Aer (single) and qsim, complex128 rows
// with Aer (double) and Qulacs. Only the simulation call is timed, best of --reps after a warm-up run.
//
//   npm run bench:peers-table -- [--sizes 20,24,28] [--reps 3] [--threads 2] [--peer-budget 180] [--out bench/RESULTS.md]
//
// --peer-budget: seconds a peer gets for one row (its warm-up and reps together); a peer still running
// then is stopped and its cell says so.
//
// The peers are pinned in python/requirements-peers.txt and installed into .python-env-peers by
// scripts/python-env.mjs --set peers (this script calls it); where PyPI cannot be reached it prints
// that it skipped them. Not part of CI. Wall times on a shared machine move with its load, so the
// table also gives each engine's CPU time (all its threads) for the same run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createNativeEngine } from '../src/native/engine.js';
import { reduceToLightCone } from '../src/sim/light-cone.js';
import { compile } from '../src/sim/program.js';
import { brickwork, circuit, ghz, qft, quantumVolume, rng } from './lib/circuits.mjs';
import { nativeBinding } from './lib/engines.mjs';
import { flags, fmt, machine } from './lib/report.mjs';

const opts = flags({ sizes: '20,24,28', reps: 3, threads: 2, 'qv-depth': 10, shots: 1_000_000, paulis: 1000, 'peer-budget': 180, out: 'bench/RESULTS.md', only: '' });
const root = fileURLToPath(new URL('..', import.meta.url));
const sizes = String(opts.sizes).split(',').map(Number);
const command = `npm run bench:peers-table -- ${process.argv.slice(2).map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`.trim();

// ---- the peers' Python ----------------------------------------------------------------------------

function peersPython() {
  const r = spawnSync(process.execPath, [`${root}scripts/python-env.mjs`, '--set', 'peers', '--quiet'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`peers skipped: the pinned peers (python/requirements-peers.txt) could not be installed — is PyPI reachable?\n${r.stderr.trim()}`);
    return null;
  }
  return r.stdout.trim();
}

// ---- circuits as both sides take them -------------------------------------------------------------

const value = (e) => {
  if (e.kind !== 'num') throw new Error('bench circuits use numeric parameters only');
  return e.value;
};

/** The project's circuit IR → the peers' op lists (bench/peers/peers.py). */
function peerOps(ops) {
  return ops.map((o) => {
    if (o.kind === 'gate') return o.params.length > 0 ? [o.name, o.qubits, o.params.map(value)] : [o.name, o.qubits];
    if (o.kind === 'measure') return ['measure', o.qubit, o.clbit];
    if (o.kind === 'reset') return ['reset', o.qubit];
    if (o.kind === 'if') {
      if (o.condition.clbits.length !== 1 || o.else.length > 0) throw new Error('bench dynamic circuits test one bit');
      return ['if', o.condition.clbits[0], o.condition.value, peerOps(o.then)];
    }
    throw new Error(`op ${o.kind}`);
  });
}

const gate = (name, qubits, ...params) => ({ kind: 'gate', name, qubits, params: params.map((v) => ({ kind: 'num', value: v })) });

/**
 * A dynamic circuit on n qubits: a brickwork of depth 6, then three rounds of measuring qubit 0
 * mid-circuit, flipping qubit 1 when it read 1 (feed-forward), resetting qubit 0 and one more brickwork
 * layer; every qubit measured at the end.
 */
function dynamicCircuit(n) {
  const ops = [...brickwork(n, 6, 3).ops];
  const layer = brickwork(n, 1, 4).ops;
  for (let r = 0; r < 3; r++) {
    ops.push({ kind: 'measure', qubit: 0, clbit: n + r });
    ops.push({ kind: 'if', condition: { clbits: [n + r], value: 1 }, then: [gate('x', [1])], else: [] });
    ops.push({ kind: 'reset', qubit: 0 });
    ops.push(...layer);
  }
  for (let q = 0; q < n; q++) ops.push({ kind: 'measure', qubit: q, clbit: q });
  return circuit(n, ops, n + 3);
}

/** `count` random Pauli strings on n qubits (little-endian labels, as Qiskit's), seeded. */
function paulis(n, count) {
  const r = rng(11);
  return Array.from({ length: count }, () => Array.from({ length: n }, () => 'IXYZ'[Math.floor(r() * 4)]).join(''));
}

/** Z on the given qubits, identity elsewhere: a little-endian label (last character = qubit 0). */
const zOn = (n, qubits) => Array.from({ length: n }, (_, i) => (qubits.includes(n - 1 - i) ? 'Z' : 'I')).join('');
const Z0 = [0];
const everyQubit = (n) => Array.from({ length: n }, (_, q) => q);

/** Qubits the native engine simulates for ⟨Z on `qubits`⟩: the observable's backward light cone. */
function nativeConeWidth(c, labels) {
  const instrs = compile(c, [], { fuse: false }).instrs.filter((i) => i.op !== 'measure');
  return reduceToLightCone(instrs, c.numQubits, labels).numQubits;
}

/** A `state` row: simulate, then ⟨Z on zQubits⟩ on every engine. */
function stateRow(label, n, c, zQubits) {
  const observable = { terms: [{ label: zOn(n, zQubits), coeff: 1 }] };
  return { label, n, kind: 'state', c, zQubits, simulated: nativeConeWidth(c, [observable.terms[0].label]), native: (e) => e.expectationValues(c, [], [observable]) };
}

/** Every row of the table: what runs, and how the native engine runs it. */
function rows() {
  const out = [];
  // The 20-qubit rows first: a long run stopped early still has them.
  {
    const n = 20;
    const bw = brickwork(n, 20);
    const measured = circuit(n, [...bw.ops, ...Array.from({ length: n }, (_, q) => ({ kind: 'measure', qubit: q, clbit: q }))], n);
    out.push({ label: `sampling ${opts.shots.toExponential(0).replace('+', '')} shots (brickwork)`, n, kind: 'sample', c: bw, shots: opts.shots, native: (e) => e.sample(measured, [], { shots: opts.shots, seed: 1 }) });
    const labels = paulis(n, opts.paulis);
    const observables = labels.map((label) => ({ terms: [{ label, coeff: 1 }] }));
    out.push({ label: `${opts.paulis} Pauli expectations (brickwork)`, n, kind: 'paulis', c: bw, paulis: labels, simulated: nativeConeWidth(bw, labels), native: (e) => e.expectationValues(bw, [], observables) });
    const dyn = dynamicCircuit(n);
    out.push({ label: 'dynamic: 3 mid-circuit measure + if + reset, 1,000 shots', n, kind: 'dynamic', c: dyn, shots: 1000, native: (e) => e.sample(dyn, [], { shots: 1000, seed: 1 }) });
  }
  for (const n of sizes) {
    const bw = brickwork(n, 20);
    out.push(stateRow('brickwork d20 ⟨Z₀⟩', n, bw, Z0));
    out.push(stateRow('brickwork d20 ⟨Z…Z⟩ (whole state)', n, bw, everyQubit(n)));
    out.push(stateRow('quantum volume ⟨Z₀⟩', n, quantumVolume(n, opts['qv-depth']), Z0));
    out.push(stateRow('QFT ⟨Z₀⟩', n, qft(n), Z0));
    // ⟨Z₀⟩ of a GHZ chain needs only qubits 0 and 1 (its light cone): the chain's last qubit needs them all.
    out.push(stateRow('GHZ ⟨Zₙ₋₁⟩', n, ghz(n), [n - 1]));
  }
  const only = String(opts.only).split(',').filter((w) => w !== '');
  return out.filter((r) => only.length === 0 || only.some((w) => r.label.includes(w)));
}

// ---- timing ---------------------------------------------------------------------------------------

/** Reps for a row: fewer for the large sizes, so the default table stays within ~15 minutes. */
const repsFor = (n) => (n >= 28 ? 1 : n >= 24 ? Math.min(2, opts.reps) : opts.reps);
const warmupFor = (n) => (n >= 28 ? 0 : 1);

async function timeNative(engine, row) {
  for (let i = 0; i < warmupFor(row.n); i++) await row.native(engine);
  let best = { ms: Number.POSITIVE_INFINITY, cpuMs: 0 };
  for (let i = 0; i < repsFor(row.n); i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await row.native(engine);
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (ms < best.ms) best = { ms, cpuMs: (c.user + c.system) / 1000 };
  }
  return best;
}

function timePeer(python, peer, precision, row) {
  const task = {
    name: row.label,
    kind: row.kind,
    n: row.n,
    clbits: row.c.numClbits || (row.kind === 'sample' ? row.n : 0),
    ops: peerOps(row.c.ops),
    reps: repsFor(row.n),
    warmup: warmupFor(row.n),
    shots: row.shots,
    paulis: row.paulis,
    z_qubits: row.zQubits,
  };
  const env = { ...process.env, OMP_NUM_THREADS: String(opts.threads) };
  const budget = Number(opts['peer-budget']);
  const r = spawnSync(python, [`${root}bench/peers/peers.py`, peer, precision, String(opts.threads)], {
    input: JSON.stringify([task]),
    encoding: 'utf8',
    env,
    maxBuffer: 1 << 26,
    timeout: budget * 1000,
  });
  if (r.error?.code === 'ETIMEDOUT') return { unsupported: `cut off after the ${budget} s budget` };
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || line === '') return { unsupported: `${peer} failed: ${r.stderr.trim().split('\n').pop()}` };
  return JSON.parse(line);
}

/** Writes the table so far (every row as it is measured, so a long run that is stopped keeps its rows). */
function write(lines, header, versions, started, finished) {
  if (opts.out === '') return;
  const minutes = (performance.now() - started) / 60000;
  const doc = [
    '# The native engine and its peers, side by side',
    '',
    `Made by \`${command}\` ${finished ? 'in' : 'so far, after'} ${minutes.toFixed(1)} min on ${machine()}, ${opts.threads} threads for every engine;`,
    `peers: ${versions}. Each cell is the best wall time in ms (the CPU time of all the engine's threads`,
    "in that run in brackets); the last column is the best peer's time over the native engine's (above",
    '1.00× the native engine is faster). See "Reading the table" below for what the rows run and why a',
    'row is below 1.0×.',
    '',
    header,
    '| --- | ---: | --- | ---: | --- | --- | ---: |',
    ...lines,
    '',
  ].join('\n');
  const path = `${root}${opts.out}`;
  // Keep the hand-written notes below the generated table.
  const notes = existsSync(path) ? readFileSync(path, 'utf8').split('\n## Reading the table')[1] : undefined;
  writeFileSync(path, notes === undefined ? doc : `${doc}\n## Reading the table${notes}`);
  if (finished) console.log(`\nwritten to ${opts.out} (${minutes.toFixed(1)} min)`);
}

// ---- the run --------------------------------------------------------------------------------------

const PEERS = { complex64: [['aer', 'Aer (single)'], ['qsim', 'qsim']], complex128: [['aer', 'Aer (double)'], ['qulacs', 'Qulacs']] };

async function main() {
  const python = peersPython();
  if (python === null) return;
  const versions = execFileSync(python, ['-c', 'import importlib.metadata as m; print(", ".join(f"{p} {m.version(p)}" for p in ("qiskit-aer", "qsimcirq", "qulacs", "cirq-core", "qiskit")))'], { encoding: 'utf8' }).trim();
  const binding = nativeBinding();
  binding.configure({ threads: opts.threads });
  const engines = { complex64: createNativeEngine({ binding, precision: 'complex64' }), complex128: createNativeEngine({ binding }) };
  const started = performance.now();
  const lines = [];
  const header = '| row | qubits | precision | native ms (cpu) | peers ms (cpu) | best peer | native speed vs best peer (wall / cpu) |';
  console.log(header);
  for (const row of rows()) {
    for (const precision of ['complex64', 'complex128']) {
      const native = await timeNative(engines[precision], row);
      const results = PEERS[precision].map(([peer, name]) => ({ ...timePeer(python, peer, precision, row), name }));
      const ran = results.filter((p) => p.ms !== undefined);
      const best = ran.reduce((a, b) => (a === null || b.ms < a.ms ? b : a), null);
      const width = (k) => (k !== undefined && k < row.n ? ` [${k} q]` : '');
      const cell = (p) => (p.ms !== undefined ? `${p.name} ${fmt.ms(p.ms)} (${fmt.ms(p.cpuMs)})${width(p.simulated)}` : `${p.name}: ${p.unsupported}`);
      const ratio = best === null ? '–' : `${(best.ms / native.ms).toFixed(2)}× / ${(best.cpuMs / native.cpuMs).toFixed(2)}×`;
      const line = `| ${row.label} | ${row.n} | ${precision} | ${fmt.ms(native.ms)} (${fmt.ms(native.cpuMs)})${width(row.simulated)} | ${results.map(cell).join('; ')} | ${best?.name ?? '–'} | ${ratio} |`;
      console.log(line);
      lines.push(line);
      write(lines, header, versions, started, false);
    }
  }
  write(lines, header, versions, started, true);
}

await main();
