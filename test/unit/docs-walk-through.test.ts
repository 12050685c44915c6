/**
 * The admin guide's walk-through (§8) is a recipe people paste line by line: every `qrun` command in
 * it must exist with the flags it uses, and the catalogue it installs must pass check-config.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const GUIDE = readFileSync(new URL('../../docs/admin-guide.md', import.meta.url), 'utf8');
const CATALOGUE = new URL('../../docs/walk-through/qpu.json', import.meta.url);

function walkThrough(): string {
  const at = GUIDE.indexOf('## 8. Walk-through');
  if (at < 0) throw new Error('docs/admin-guide.md has no "## 8. Walk-through" section');
  const next = GUIDE.indexOf('\n## ', at + 1);
  return GUIDE.slice(at, next < 0 ? undefined : next);
}

function blocks(text: string, language: string): string[] {
  return [...text.matchAll(new RegExp('```' + language + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1] ?? '');
}

/** `qrun admin check-config /etc/x` → the command path (`admin check-config`) and its flags. */
function parse(line: string): { path: string[]; flags: string[] } {
  const words = line.split(/\s+/).slice(1);
  const firstArg = words.findIndex((w) => w.startsWith('-') || w.includes('/') || w.includes('.'));
  const path = firstArg < 0 ? words : words.slice(0, firstArg);
  return { path, flags: words.filter((w) => w.startsWith('--')).map((w) => w.replace(/=.*$/, '')) };
}

describe("the admin guide's walk-through", () => {
  const commands = blocks(walkThrough(), 'bash')
    .flatMap((block) => block.split('\n'))
    .map((line) => line.trim())
    .filter((line) => line.startsWith('qrun '));

  it('has the qrun steps an install needs, in order', () => {
    const order = ['qrun doctor', 'qrun admin check-config', 'qrun admin install --dry-run', 'qrun admin install', 'qrun admin doctor', 'qrun backends'];
    const at = order.map((start) => commands.findIndex((c) => c.startsWith(start)));
    expect(at.every((i) => i >= 0), commands.join('\n')).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it.each(blocks(walkThrough(), 'bash').flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l.startsWith('qrun ')))(
    '%s: the command and every flag it uses exist',
    async (line) => {
      const { path, flags } = parse(line);
      const help = await runCli([...path, '--help']);
      expect(help.code, help.stderr).toBe(0);
      const usage = help.stdout.split('\n')[0] ?? '';
      expect(usage).toContain(`Usage: qrun ${path.join(' ')}`);
      for (const flag of flags) expect(help.stdout, `${line}: ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}\\b`, 'm'));
    },
  );

  it('installs a catalogue that check-config accepts, the one the guide shows', async () => {
    const shown = blocks(walkThrough(), 'json')[0];
    expect(readFileSync(CATALOGUE, 'utf8')).toBe(shown);
    const checked = await runCli(['admin', 'check-config', CATALOGUE.pathname]);
    expect(checked.code, checked.stderr).toBe(0);
    expect(checked.stdout).toContain('2 backends');
    // The capacity the slurm.conf of step 2 declares is what the catalogue counts.
    expect(walkThrough()).toContain('Licenses=qpu_ibm_fez:4');
    expect(walkThrough()).toContain('Gres=qpu:garnet:1');
    expect(checked.stdout).toContain('license qpu_ibm_fez x4');
    expect(checked.stdout).toContain('GRES qpu:garnet x1');
  });
});
