/**
 * Runs the Python client's pytest suite (python/tests/) in the pinned venv, asynchronously — a
 * gateway served from this very process must keep answering while Python waits on it, which a
 * spawnSync would block — and reads back each test's outcome from pytest's JUnit XML report.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('../../../', import.meta.url)));

export interface PytestOutcome {
  readonly status: 'passed' | 'failed' | 'skipped' | 'missing';
  /** pytest's failure text, or the skip reason. */
  readonly detail: string;
}

export interface PytestRun {
  readonly exitCode: number;
  readonly output: string;
  outcome(file: string, test: string): PytestOutcome;
}

function unescapeXml(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#10;/g, '\n').replace(/&amp;/g, '&');
}

function parseJUnit(xml: string): Map<string, PytestOutcome> {
  const outcomes = new Map<string, PytestOutcome>();
  for (const match of xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const attrs = match[1] ?? '';
    const body = match[3] ?? '';
    const classname = /classname="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const name = /\bname="([^"]*)"/.exec(attrs)?.[1] ?? '';
    const failure = /<(failure|error)\b([^>]*)>([\s\S]*?)<\/\1>/.exec(body) ?? /<(failure|error)\b([^>]*)\/>/.exec(body);
    const skipped = /<skipped\b[^>]*message="([^"]*)"/.exec(body);
    const status: PytestOutcome['status'] = failure !== null ? 'failed' : skipped !== null ? 'skipped' : 'passed';
    const detail = failure !== null ? unescapeXml(failure[3] ?? failure[2] ?? '') : skipped !== null ? unescapeXml(skipped[1] ?? '') : '';
    // classname is "tests.test_primitives"; key by module file stem and test name.
    outcomes.set(`${classname.split('.').pop() ?? ''}::${name}`, { status, detail });
  }
  return outcomes;
}

export async function runPytest(python: string, files: readonly string[], env: Record<string, string>, timeoutMs = 600_000): Promise<PytestRun> {
  const dir = await mkdtemp(join(tmpdir(), 'qpu-pytest-'));
  const report = join(dir, 'report.xml');
  try {
    const { code, output } = await new Promise<{ code: number; output: string }>((done) => {
      execFile(
        python,
        ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', `--junitxml=${report}`, '-o', 'junit_family=xunit1', ...files],
        // Only what the tests name: no QRUN_* of the machine running the tests leaks in.
        { cwd: join(ROOT, 'python'), env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', ...env }, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const exit = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
          done({ code: exit, output: `${stdout}${stderr}` });
        },
      );
    });
    let outcomes = new Map<string, PytestOutcome>();
    try {
      outcomes = parseJUnit(await readFile(report, 'utf8'));
    } catch {
      // No report: pytest did not start; every outcome is 'missing' and the output says why.
    }
    return {
      exitCode: code,
      output,
      outcome(file, test) {
        return outcomes.get(`${file}::${test}`) ?? { status: 'missing', detail: `pytest did not report ${file}::${test}:\n${output.slice(-4000)}` };
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
