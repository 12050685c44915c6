/** One fuzz campaign over one target: N seeded inputs, the first failure shrunk and reported. */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { feed, type FuzzTarget } from './harness.js';

export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

export interface CampaignResult {
  readonly target: string;
  readonly runs: number;
  readonly seconds: number;
  /** The shrunk failing input and why it failed, or null. */
  readonly failure: { readonly input: string; readonly error: string } | null;
}

/** How far a campaign got: inputs fed so far and seconds since it began. */
export type Progress = (inputs: number, seconds: number) => void;

/** Interval of the progress reports: a long run cut short still says how far it got. */
const PROGRESS_MS = 60_000;

export async function campaign<T>(target: FuzzTarget<T>, runs: number, seed: number, timeLimitSeconds?: number, progress?: Progress): Promise<CampaignResult> {
  const close = (await target.open?.()) ?? (async () => undefined);
  const started = performance.now();
  let fed = 0;
  let reported = started;
  const count = (): void => {
    fed += 1;
    const now = performance.now();
    if (progress === undefined || now - reported < PROGRESS_MS) return;
    reported = now;
    progress(fed, (now - started) / 1000);
  };
  try {
    const details = await fc.check(fc.asyncProperty(target.arbitrary(), (input) => (count(), feed(target, input))), {
      numRuns: runs,
      seed,
      // Shrinking a slow input can take long; a few hundred steps give a readable case.
      endOnFailure: false,
      maxSkipsPerRun: 0,
      // A time-boxed run stops early and reports how far it got; that is not a failure.
      ...(timeLimitSeconds === undefined ? {} : { interruptAfterTimeLimit: timeLimitSeconds * 1000, markInterruptAsFailure: false }),
    });
    const seconds = (performance.now() - started) / 1000;
    if (!details.failed || details.counterexample === null) return { target: target.name, runs: details.numRuns, seconds, failure: null };
    const [input] = details.counterexample;
    return {
      target: target.name,
      runs: details.numRuns,
      seconds,
      failure: { input: target.encode(input), error: String(details.errorInstance instanceof Error ? details.errorInstance.message : details.errorInstance) },
    };
  } finally {
    await close();
  }
}

/** Keeps a failing input as test/fuzz/corpus/<target>/crash-<sha1>; returns its path. */
export function saveToCorpus(target: string, text: string): string {
  const dir = `${CORPUS_DIR}${target}`;
  mkdirSync(dir, { recursive: true });
  const path = `${dir}/crash-${createHash('sha1').update(text).digest('hex').slice(0, 12)}`;
  writeFileSync(path, text);
  return path;
}

/** Every corpus file of a target, name and text. */
export function corpusOf(target: string): { name: string; text: string }[] {
  let names: string[];
  try {
    names = readdirSync(`${CORPUS_DIR}${target}`).sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ name, text: readFileSync(`${CORPUS_DIR}${target}/${name}`, 'utf8') }));
}
