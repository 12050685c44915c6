/**
 * What the fake's "QPU" does with a Pulser sequence: every atom evolves on its own as a two-level
 * system (ground, Rydberg) under the pulses of the channels that address it, and is measured in the
 * ground-rydberg basis. Atoms do not interact (no van der Waals term, so no blockade): a pi pulse
 * flips every atom, whatever their distance. That is enough to check that a sequence travels intact
 * and that counts come back in the right order; it is not an emulator.
 *
 * Hamiltonian per atom, basis (g, r), Omega and delta in rad/us, time in ns:
 *   H = [[ delta/2, Omega/2 e^{i phi} ], [ Omega/2 e^{-i phi}, -delta/2 ]]
 * stepped 1 ns at a time with the exact 2x2 exponential.
 */

export class UnsupportedSequence extends Error {}

type Waveform = Record<string, unknown>;

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new UnsupportedSequence(`${what} is not a number (the fake runs no parametrized sequence)`);
  return value;
}

function blackman(duration: number): number[] {
  if (duration === 1) return [1];
  const out: number[] = [];
  for (let n = 0; n < duration; n++) {
    const x = (2 * Math.PI * n) / (duration - 1);
    out.push(Math.max(0, 0.42 - 0.5 * Math.cos(x) + 0.08 * Math.cos(2 * x)));
  }
  return out;
}

/** One value per ns, as Pulser samples the waveform. */
export function samples(waveform: Waveform): number[] {
  const kind = waveform['kind'];
  if (kind === 'composite') {
    const parts = waveform['waveforms'];
    if (!Array.isArray(parts)) throw new UnsupportedSequence('a composite waveform without waveforms');
    return parts.flatMap((part) => samples(part as Waveform));
  }
  if (kind === 'custom') {
    const values = waveform['samples'];
    if (!Array.isArray(values)) throw new UnsupportedSequence('a custom waveform without samples');
    return values.map((v, i) => num(v, `samples[${i}]`));
  }
  const duration = Math.round(num(waveform['duration'], `${String(kind)} waveform duration`));
  if (kind === 'constant') return new Array<number>(duration).fill(num(waveform['value'], 'constant value'));
  if (kind === 'ramp') {
    const start = num(waveform['start'], 'ramp start');
    const stop = num(waveform['stop'], 'ramp stop');
    return Array.from({ length: duration }, (_, i) => (duration === 1 ? start : start + ((stop - start) * i) / (duration - 1)));
  }
  if (kind === 'blackman') {
    const area = num(waveform['area'], 'blackman area');
    const shape = blackman(duration);
    const total = shape.reduce((a, b) => a + b, 0) * 1e-3;
    return shape.map((v) => (v * area) / total);
  }
  throw new UnsupportedSequence(`waveform kind ${JSON.stringify(kind)} is not one the fake runs (constant, ramp, blackman, custom, composite)`);
}

interface Amplitudes {
  gr: number;
  gi: number;
  rr: number;
  ri: number;
}

function step(state: Amplitudes, omega: number, delta: number, phi: number, dtUs: number): Amplitudes {
  // H = hx*sx + hy*sy + hz*sz with hx = O/2 cos(phi), hy = -O/2 sin(phi), hz = d/2.
  const hx = (omega / 2) * Math.cos(phi);
  const hy = -(omega / 2) * Math.sin(phi);
  const hz = delta / 2;
  const h = Math.hypot(hx, hy, hz);
  if (h === 0) return state;
  const c = Math.cos(h * dtUs);
  const s = Math.sin(h * dtUs) / h;
  // U = c*I - i*s*(hx sx + hy sy + hz sz); sx = [[0,1],[1,0]], sy = [[0,-i],[i,0]], sz = [[1,0],[0,-1]].
  // U00 = c - i s hz; U01 = -i s (hx - i hy) = -s hy - i s hx; U10 = s hy - i s hx; U11 = c + i s hz.
  const u00 = [c, -s * hz];
  const u01 = [-s * hy, -s * hx];
  const u10 = [s * hy, -s * hx];
  const u11 = [c, s * hz];
  const mul = (a: number[], br: number, bi: number): [number, number] => [(a[0] ?? 0) * br - (a[1] ?? 0) * bi, (a[0] ?? 0) * bi + (a[1] ?? 0) * br];
  const [g1r, g1i] = mul(u00, state.gr, state.gi);
  const [g2r, g2i] = mul(u01, state.rr, state.ri);
  const [r1r, r1i] = mul(u10, state.gr, state.gi);
  const [r2r, r2i] = mul(u11, state.rr, state.ri);
  return { gr: g1r + g2r, gi: g1i + g2i, rr: r1r + r2r, ri: r1i + r2i };
}

/** Each atom's probability to be found in the Rydberg state at the end of the sequence. */
export function rydbergProbabilities(sequence: Record<string, unknown>): { atoms: string[]; probabilities: number[] } {
  const register = sequence['register'];
  if (!Array.isArray(register) || register.length === 0) throw new UnsupportedSequence('the sequence has no register');
  const atoms = register.map((atom: Record<string, unknown>) => String(atom['name'] ?? atom['qid']));
  const variables = sequence['variables'];
  if (typeof variables === 'object' && variables !== null && Object.keys(variables).length > 0) throw new UnsupportedSequence('the fake runs no parametrized sequence');
  const declared = (sequence['channels'] ?? {}) as Record<string, string>;
  const device = (sequence['device'] ?? {}) as { channels?: { id: string; addressing?: string }[] };
  const addressing = new Map((device.channels ?? []).map((c) => [c.id, c.addressing ?? 'Global']));
  const targets = new Map<string, Set<number>>();
  const states: Amplitudes[] = atoms.map(() => ({ gr: 1, gi: 0, rr: 0, ri: 0 }));
  const phaseShift = new Map<string, number>();
  const operations = Array.isArray(sequence['operations']) ? (sequence['operations'] as Record<string, unknown>[]) : [];
  for (const op of operations) {
    const channel = typeof op['channel'] === 'string' ? op['channel'] : '';
    if (op['op'] === 'target') {
      const wanted = Array.isArray(op['target']) ? op['target'] : [op['target']];
      targets.set(channel, new Set(wanted.map((t) => atoms.indexOf(String(t))).filter((i) => i >= 0)));
      continue;
    }
    if (op['op'] !== 'pulse') continue;
    const id = declared[channel] ?? channel;
    const global = (addressing.get(id) ?? 'Global') === 'Global';
    const affected = global ? atoms.map((_, i) => i) : [...(targets.get(channel) ?? [])];
    const amplitude = samples(op['amplitude'] as Waveform);
    const detuning = samples(op['detuning'] as Waveform);
    const phase = num(op['phase'] ?? 0, 'pulse phase') + (phaseShift.get(channel) ?? 0);
    for (const atom of affected) {
      let state = states[atom] ?? { gr: 1, gi: 0, rr: 0, ri: 0 };
      for (let t = 0; t < amplitude.length; t++) state = step(state, amplitude[t] ?? 0, detuning[t] ?? 0, phase, 1e-3);
      states[atom] = state;
    }
    phaseShift.set(channel, (phaseShift.get(channel) ?? 0) + num(op['post_phase_shift'] ?? 0, 'post_phase_shift'));
  }
  return { atoms, probabilities: states.map((s) => Math.min(1, Math.max(0, s.rr * s.rr + s.ri * s.ri))) };
}

/** A small seeded generator (mulberry32), so a job's counts are the same every time it is read. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** Pulser's counter: bitstring (first atom leftmost, 1 = Rydberg) → shots. */
export function runSequence(sequence: Record<string, unknown>, runs: number, seed: string): Record<string, number> {
  const { probabilities } = rydbergProbabilities(sequence);
  // Within a part in a billion of certain, an atom is taken as certain: a pi pulse gives one bitstring.
  const p = probabilities.map((x) => (x > 1 - 1e-9 ? 1 : x < 1e-9 ? 0 : x));
  const random = generator(seedOf(seed));
  const counter: Record<string, number> = {};
  for (let shot = 0; shot < runs; shot++) {
    const bits = p.map((x) => (random() < x ? '1' : '0')).join('');
    counter[bits] = (counter[bits] ?? 0) + 1;
  }
  return counter;
}
