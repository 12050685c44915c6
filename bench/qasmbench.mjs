// QASMBench's small and medium circuits (https://github.com/pnnl/QASMBench) on the built-in
// simulator: every circuit of at most --max-qubits qubits, --shots shots each, one after the other,
// with the time and the outcome paths shot branching simulated (dynamic circuits: mid-circuit
// measurements, resets, if). Target: each ≤ 30 s at 1,024 shots on the reference machine.
//
//   git clone https://github.com/pnnl/QASMBench /tmp/qasmbench
//   node --import tsx bench/qasmbench.mjs --dir /tmp/qasmbench [--engine native|ts] [--shots 1024]
//        [--max-qubits 24] [--only NAME] [--per-shot]
//
// Every non-transpiled .qasm of each circuit folder; when one does not parse, its *_transpiled.qasm
// is tried as well. Files that do not parse are listed apart
// with the parser's coded error (the construct it refused). --per-shot runs dynamic circuits shot by
// shot (branching: false), the path before shot branching, for comparison.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseQasm } from '../src/qasm/index.js';
import { createTsEngine } from '../src/sim/engine.js';
import { createNativeEngine } from '../src/native/engine.js';
import { nativeBinding } from './lib/engines.mjs';
import { flags, fmt, machine, reproduce, table } from './lib/report.mjs';

const HELP = `usage: node --import tsx bench/qasmbench.mjs --dir DIR [--engine native|ts] [--shots N] [--max-qubits N] [--only NAME] [--per-shot]
DIR is a checkout of QASMBench; make one with
  git clone https://github.com/pnnl/QASMBench /tmp/qasmbench`;

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}
const opts = flags({ dir: '', engine: 'native', shots: 1024, 'max-qubits': 24, only: '', seed: 1 });
const perShot = argv.includes('--per-shot');
if (opts.dir === '' || !existsSync(join(opts.dir, 'small'))) {
  console.error(`bench/qasmbench.mjs: --dir must name a QASMBench checkout (with small/ and medium/)\n${HELP}`);
  process.exit(2);
}
const engine = opts.engine === 'ts' ? createTsEngine() : createNativeEngine({ binding: nativeBinding() });

/** Counts what makes a circuit dynamic: measurements something later depends on, resets, ifs. */
function shape(circuit) {
  let ops = 0;
  let resets = 0;
  let ifs = 0;
  let midMeasurements = 0;
  const walk = (list) => {
    for (const op of list) {
      if (op.kind === 'barrier' || op.kind === 'delay') continue;
      ops++;
      if (op.kind === 'reset') resets++;
      if (op.kind === 'if') {
        ifs++;
        walk(op.then);
        walk(op.else);
      }
    }
  };
  walk(circuit.ops);
  // A top-level measurement is mid-circuit when an if follows it or a later op touches its qubit.
  const top = circuit.ops;
  const lastIf = top.map((op) => op.kind).lastIndexOf('if');
  const touchedAfter = new Set();
  for (let i = top.length - 1; i >= 0; i--) {
    const op = top[i];
    if (op.kind === 'measure' && (i < lastIf || touchedAfter.has(op.qubit))) midMeasurements++;
    if (op.kind === 'gate') op.qubits.forEach((q) => touchedAfter.add(q));
    if (op.kind === 'reset') touchedAfter.add(op.qubit);
  }
  const nested = (list) => list.reduce((n, op) => n + (op.kind === 'measure' ? 1 : op.kind === 'if' ? nested(op.then) + nested(op.else) : 0), 0);
  for (const op of top) if (op.kind === 'if') midMeasurements += nested(op.then) + nested(op.else);
  return { ops, resets, ifs, midMeasurements };
}

/** Each circuit file of a folder, with its transpiled version to try when it does not parse. */
function circuitsIn(folder) {
  const files = readdirSync(folder).filter((f) => f.endsWith('.qasm')).sort();
  const mains = files.filter((f) => !f.includes('_transpiled'));
  return (mains.length > 0 ? mains : files).map((f) => [f, f.replace(/\.qasm$/, '_transpiled.qasm')].filter((c, i) => i === 0 || (c !== f && files.includes(c))));
}

const rows = [];
const parseErrors = [];
const failures = [];
const skipped = [];

async function runCircuit(size, name, files) {
  for (const file of files) {
    const path = join(opts.dir, size, name, file);
    let circuit;
    try {
      circuit = parseQasm(readFileSync(path, 'utf8'));
    } catch (error) {
      parseErrors.push(`${size}/${name}/${file}: ${error.code ?? 'ERROR'} ${String(error.message).split('\n')[0]}`);
      continue;
    }
    if (circuit.numQubits > opts['max-qubits']) {
      skipped.push(`${size}/${name}/${file}: ${circuit.numQubits} qubits (over ${opts['max-qubits']})`);
      return;
    }
    const s = shape(circuit);
    const row = [`${size}/${file}`, circuit.numQubits, s.ops, s.midMeasurements, s.resets, s.ifs];
    const t0 = performance.now();
    try {
      const memory = await engine.sample(circuit, [], { shots: opts.shots, seed: opts.seed, ...(perShot ? { branching: false } : {}) });
      const ms = performance.now() - t0;
      rows.push([...row, fmt.ms(ms), memory.branches ?? '-', ms > 30_000 ? 'OVER 30 s' : '']);
    } catch (error) {
      rows.push([...row, fmt.ms(performance.now() - t0), '-', `FAILED ${error.code ?? ''}`]);
      failures.push(`${size}/${file}: ${error.code ?? 'ERROR'} ${String(error.message).split('\n')[0]}`);
    }
    return; // a transpiled file only stands in for one that does not parse
  }
}

for (const size of ['small', 'medium']) {
  const root = join(opts.dir, size);
  const folders = readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  for (const name of folders) {
    if (opts.only !== '' && !name.includes(opts.only)) continue;
    const circuits = circuitsIn(join(root, name));
    if (circuits.length === 0) skipped.push(`${size}/${name}: no .qasm file in the checkout (a Git LFS object not fetched?)`);
    for (const files of circuits) await runCircuit(size, name, files);
  }
}

const info = opts.engine === 'ts' ? 'TypeScript engine' : `native ${nativeBinding().info().isa}, ${nativeBinding().info().threads} threads`;
table(
  `QASMBench small and medium, ≤ ${opts['max-qubits']} qubits, ${opts.shots} shots${perShot ? ', per-shot (branching: false)' : ''}: ms (${info}; ${machine()})`,
  ['circuit', 'qubits', 'ops', 'mid-circuit meas.', 'resets', 'ifs', 'ms', 'branches', ''],
  rows,
);
console.log('\nbranches: outcome paths simulated (1 = no outcome ever forked); - = not a dynamic circuit (one final state, terminal sampling)');
if (failures.length > 0) console.log(`\nfailed runs:\n${failures.map((f) => `  ${f}`).join('\n')}`);
if (parseErrors.length > 0) console.log(`\nnot parsed (the OpenQASM front end's refusal):\n${parseErrors.map((f) => `  ${f}`).join('\n')}`);
if (skipped.length > 0) console.log(`\nskipped:\n${skipped.map((f) => `  ${f}`).join('\n')}`);
reproduce('qasmbench.mjs', [`--dir ${opts.dir}`, `--engine ${opts.engine}`, `--shots ${opts.shots}`, `--max-qubits ${opts['max-qubits']}`, ...(perShot ? ['--per-shot'] : [])]);
process.exitCode = failures.length > 0 || rows.some((r) => r[8] !== '') ? 1 : 0;
