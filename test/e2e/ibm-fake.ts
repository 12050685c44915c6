/**
 * The IBM Quantum Compute Service contract fake for e2e files, started the shared way
 * (test/e2e/vendor-fake.ts) behind the dev cluster's `ibm_fake` entry, and a Bell pair in the fake
 * device's basis. `hold: true` keeps every created job Queued until `release()` (SIGUSR2 to the
 * fake): a test decides when the vendor finishes, instead of guessing a delay.
 */
import { startVendorFake, type RunningFake } from './vendor-fake.js';
import { BELL_ISA } from '../fakes/ibm-quantum-compute/circuits.js';

export { BELL_ISA };

export const IBM_ALIAS = 'ibm_fake';

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
