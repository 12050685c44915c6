import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress } from '../../../src/cli/progress.js';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { stream, text: () => out };
}

describe('createProgress', () => {
  it('stays quiet during the first seconds, then reports at most once per interval', () => {
    let t = 0;
    const { stream, text } = capture(false);
    const progress = createProgress({ stream, enabled: true, label: 'sampler on sim', now: () => t });
    progress.update(1, 10);
    t = 1500;
    progress.update(2, 10);
    expect(text()).toBe('');
    t = 2000;
    progress.update(3, 10);
    t = 2500;
    progress.update(4, 10); // within the interval: skipped
    t = 3100;
    progress.update(5, 10);
    progress.finish();
    expect(text()).toBe('qrun: sampler on sim: 3/10 circuit executions done (2 s)\nqrun: sampler on sim: 5/10 circuit executions done (3 s)\n');
  });

  it('rewrites one line on a terminal and ends it', () => {
    let t = 5000;
    const { stream, text } = capture(true);
    const progress = createProgress({ stream, enabled: true, label: 'x', now: () => t, delayMs: 0 });
    t = 5001;
    progress.update(1, 2);
    progress.finish();
    expect(text()).toBe('\rqrun: x: 1/2 circuit executions done (0 s)\x1b[K\n');
  });

  it('prints nothing when disabled', () => {
    const { stream, text } = capture(true);
    const progress = createProgress({ stream, enabled: false, label: 'x', delayMs: 0 });
    progress.update(1, 1);
    progress.finish();
    expect(text()).toBe('');
  });
});
