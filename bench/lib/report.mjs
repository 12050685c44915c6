// Shared helpers for the benchmark scripts: timing (best of N), a plain-text table, and the line
// that says how to reproduce a run.
import { performance } from 'node:perf_hooks';

/** Best wall time in ms of `reps` runs of an async function, after `warmup` untimed runs. */
export async function bestOf(fn, { reps = 3, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

export function table(title, header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const out = [`\n## ${title}\n`, line(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  console.log(out.join('\n'));
}

export function reproduce(script, args = []) {
  console.log(`\nreproduce: node --import tsx bench/${script}${args.length ? ` ${args.join(' ')}` : ''}`);
}

export function machine() {
  return `${process.platform}-${process.arch}, Node ${process.version}`;
}

export const fmt = {
  ms: (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2)),
  x: (v) => `${v.toFixed(1)}x`,
  gbs: (v) => v.toFixed(1),
};

/** Reads `--name value` flags into an object, with defaults. */
export function flags(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const key = argv[i].replace(/^--/, '');
    if (key in defaults) {
      const v = argv[i + 1];
      out[key] = typeof defaults[key] === 'number' ? Number(v) : v;
      i++;
    }
  }
  return out;
}
