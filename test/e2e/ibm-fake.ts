/**
 * The IBM Quantum Compute Service contract fake for e2e files, started the shared way
 * (test/e2e/vendor-fake.ts) behind the dev cluster's `ibm_fake` entry, and a Bell pair in the fake
 * device's basis. `hold: true` keeps every created job Queued until `release()` (SIGUSR2 to the
 * fake): a test decides when the vendor finishes, instead of guessing a delay.
 */
import { startVendorFake, type RunningFake } from './vendor-fake.js';

export const IBM_ALIAS = 'ibm_fake';

/** A Bell pair in the fake device's basis (cz id rz sx x) on physical qubits 0 and 1. */
export const BELL_ISA = [
  'OPENQASM 3.0;',
  'include "stdgates.inc";',
  'bit[2] c;',
  'rz(pi/2) $0; sx $0; rz(pi/2) $0;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'cz $0, $1;',
  'rz(pi/2) $1; sx $1; rz(pi/2) $1;',
  'c[0] = measure $0;',
  'c[1] = measure $1;',
].join('\n');

export interface IbmFake extends RunningFake {
  /** Jobs the fake accepted (`POST /jobs` answered 2xx): its own count of what was created. */
  created(): number;
  /** Lets held jobs run (with `hold: true`). */
  release(): void;
}

export async function startIbmFake(options: { queueDelayMs: number; hold?: boolean }): Promise<IbmFake> {
  const fake = await startVendorFake({
    alias: IBM_ALIAS,
    fake: 'ibm-quantum-compute',
    portOffset: 50,
    args: ({ port, secret, log, entry }) => [
      ...['--port', port, '--api-key', secret, '--instance', String(entry['instance']), '--queue-delay', String(options.queueDelayMs), '--log', log],
      ...(options.hold === true ? ['--hold'] : []),
    ],
  });
  return { ...fake, created: () => fake.served('POST /jobs'), release: () => fake.signal('SIGUSR2') };
}
