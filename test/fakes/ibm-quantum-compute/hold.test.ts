/** holdQueue: jobs stay Queued until the test lets the vendor get to them. */
import { afterEach, expect, it } from 'vitest';
import { startIbmComputeFake, type IbmComputeFake } from './index.js';
import { api, submit, waitForStatus } from './test-client.js';

let fake: IbmComputeFake | undefined;

afterEach(async () => {
  await fake?.close();
});

it('keeps every job Queued until releaseHeld, then runs them, and later ones at once', async () => {
  fake = await startIbmComputeFake({ queueDelayMs: 10, holdQueue: true });
  const call = await api(fake);
  const held = await submit(call);
  await new Promise((resolve) => setTimeout(resolve, 200));
  expect(fake.jobs.get(held)?.status).toBe('Queued');
  fake.releaseHeld();
  expect((await waitForStatus(call, held, ['Completed', 'Failed'])).state).toMatchObject({ status: 'Completed' });
  const later = await submit(call);
  expect((await waitForStatus(call, later, ['Completed', 'Failed'])).state).toMatchObject({ status: 'Completed' });
});
