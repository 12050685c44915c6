import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgress, createWaitProgress, describeWait, formatElapsed, progressMode } from '../../../src/cli/progress.js';

function capture(isTTY: boolean): { stream: PassThrough & { isTTY: boolean }; text: () => string } {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let out = '';
  stream.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { stream, text: () => out };
}

describe('createProgress', () => {
  it('stays quiet during the first seconds, then reports at most once per interval (JSON lines with --json)', () => {
    let t = 0;
    const { stream, text } = capture(false);
    const progress = createProgress({ stream, mode: 'json', label: 'sampler on sim', now: () => t });
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
    expect(text().trim().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual([
      { event: 'progress', label: 'sampler on sim', done: 3, total: 10, elapsed_s: 2 },
      { event: 'progress', label: 'sampler on sim', done: 5, total: 10, elapsed_s: 3 },
    ]);
  });

  it('rewrites one line on a terminal and ends it', () => {
    let t = 5000;
    const { stream, text } = capture(true);
    const progress = createProgress({ stream, mode: 'tty', label: 'x', now: () => t, delayMs: 0 });
    t = 5001;
    progress.update(1, 2);
    progress.finish();
    expect(text()).toBe('\rqrun: x: 1/2 circuit executions done (0 s)\x1b[K\n');
  });

  it('prints nothing when off', () => {
    const { stream, text } = capture(true);
    const progress = createProgress({ stream, mode: 'off', label: 'x', delayMs: 0 });
    progress.update(1, 1);
    progress.finish();
    expect(text()).toBe('');
  });
});

describe('progressMode', () => {
  it('is json with --json, a rewritten line on a terminal, and nothing into a pipe', () => {
    expect(progressMode(capture(false).stream, true)).toBe('json');
    expect(progressMode(capture(true).stream, true)).toBe('json');
    expect(progressMode(capture(true).stream, false)).toBe('tty');
    expect(progressMode(capture(false).stream, false)).toBe('off');
  });
});

describe('createWaitProgress', () => {
  const state = { id: 't1', backend: 'ibm_fake', state: 'queued', vendorState: 'queued', elapsedSeconds: 0 };

  it('shows state, vendor position and elapsed time on a terminal, at once when the state changes', () => {
    let t = 0;
    const { stream, text } = capture(true);
    const progress = createWaitProgress({ stream, mode: 'tty', now: () => t, delayMs: 0, intervalMs: 10_000 });
    progress.report({ ...state, position: 3, elapsedSeconds: 0 });
    t = 100;
    progress.report({ ...state, position: 3, elapsedSeconds: 0.1 }); // nothing new, within the interval
    t = 200;
    progress.report({ ...state, state: 'running', vendorState: 'running', elapsedSeconds: 75 });
    progress.finish();
    expect(text()).toBe(
      '\rqrun: task t1 on ibm_fake: queued, position 3 in the queue, 0 s\x1b[K' + '\rqrun: task t1 on ibm_fake: running, 1 min 15 s\x1b[K\n',
    );
  });

  it('writes one JSON object per update with --json, and nothing when off', () => {
    const json = capture(false);
    const progress = createWaitProgress({ stream: json.stream, mode: 'json', delayMs: 0 });
    progress.report({ ...state, position: 2, elapsedSeconds: 4.4 });
    expect(JSON.parse(json.text())).toEqual({ event: 'progress', task: 't1', backend: 'ibm_fake', state: 'queued', vendor_state: 'queued', position: 2, elapsed_s: 4 });
    const off = capture(false);
    const quiet = createWaitProgress({ stream: off.stream, mode: 'off', delayMs: 0 });
    quiet.report(state);
    quiet.finish();
    expect(off.text()).toBe('');
  });

  it('names the vendor state only when it says more than the task state', () => {
    expect(describeWait({ ...state, state: 'running', vendorState: 'queued', elapsedSeconds: 3 })).toBe('qrun: task t1 on ibm_fake: running (vendor: queued), 3 s');
    expect(formatElapsed(3725)).toBe('1 h 2 min');
  });
});
