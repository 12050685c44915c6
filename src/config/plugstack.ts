/**
 * The spank_qpu line of plugstack.conf, checked as Slurm and the shim will read it. Slurm reads
 * plugstack.conf with a 4096-byte line buffer (src/common/plugstack.c, `_spank_stack_load`): a longer
 * line is cut, its rest is read as a line of its own, that line is not a plugin line, and Slurm then
 * refuses every job on the cluster, not only QPU jobs. The shim's own keys are checked as
 * spank/config.c checks them.
 */
import { readFile } from 'node:fs/promises';
import { QrunError } from '../errors.js';

/** Longest plugstack.conf line Slurm reads whole: its 4096-byte buffer holds the line, its newline and a NUL. */
const PLUGSTACK_LINE_MAX = 4094;

const KEYS = ['config', 'handler', 'node', 'state_dir', 'timeout', 'service_user', 'trace', 'service'] as const;
const PATH_KEYS = new Set(['config', 'handler', 'node', 'state_dir']);
const MAX_TIMEOUT = 3600;

/** What is wrong with one spank_qpu line, one sentence each (empty: nothing). */
function plugstackLineProblems(line: string): string[] {
  const problems: string[] = [];
  const bytes = Buffer.byteLength(line);
  if (bytes > PLUGSTACK_LINE_MAX) {
    problems.push(`the line is ${bytes} bytes; Slurm reads at most ${PLUGSTACK_LINE_MAX} per plugstack.conf line and refuses every job when one is longer`);
  }
  const [, , ...args] = line.trim().split(/\s+/);
  const seen = new Set<string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg : arg.slice(0, eq);
    const value = eq === -1 ? '' : arg.slice(eq + 1);
    if (eq === -1) problems.push(`argument is not key=value: ${arg.slice(0, 80)}`);
    else if (!(KEYS as readonly string[]).includes(key)) problems.push(`unknown key: ${key.slice(0, 80)} (known keys: ${KEYS.join(', ')})`);
    else if (seen.has(key)) problems.push(`${key}: given more than once`);
    else if (value === '') problems.push(`${key}: empty value`);
    else if (PATH_KEYS.has(key) && !value.startsWith('/')) problems.push(`${key}: must be an absolute path: ${value.slice(0, 80)}`);
    else if (PATH_KEYS.has(key) && Buffer.byteLength(value) >= 4096) problems.push(`${key}: path too long (${Buffer.byteLength(value)} bytes)`);
    else if (key === 'timeout' && !(/^[0-9]+$/.test(value) && Number(value) >= 1 && Number(value) <= MAX_TIMEOUT)) {
      problems.push(`timeout: expected whole seconds between 1 and ${MAX_TIMEOUT}, got: ${value.slice(0, 80)}`);
    } else if (key === 'service_user' && !/^[A-Za-z0-9_.][A-Za-z0-9_.-]*$/.test(value)) problems.push(`service_user: not a valid user name: ${value.slice(0, 80)}`);
    else if ((key === 'trace' || key === 'service') && !['yes', 'no', '1', '0'].includes(value)) problems.push(`${key}: expected yes, no, 1 or 0, got: ${value.slice(0, 80)}`);
    seen.add(key);
  }
  return problems;
}

/**
 * Checks every spank_qpu line of a plugstack.conf; throws PLUGSTACK_ARG_INVALID listing each problem
 * with its line number. Returns how many spank_qpu lines it found.
 */
export async function checkPlugstackFile(path: string): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new QrunError(code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE', `cannot read ${path}: ${code ?? String(error)}`, { cause: error });
  }
  const lines = text.split('\n');
  const problems: string[] = [];
  let found = 0;
  lines.forEach((line, i) => {
    // Slurm also cuts over-long comment lines, and the rest of the line then counts as a line.
    if (Buffer.byteLength(line) > PLUGSTACK_LINE_MAX && !/spank_qpu\.so/.test(line)) {
      problems.push(`line ${i + 1}: ${Buffer.byteLength(line)} bytes; Slurm reads at most ${PLUGSTACK_LINE_MAX} per line`);
      return;
    }
    const trimmed = line.trim();
    if (trimmed.startsWith('#') || !/^(required|optional)\s+\S*spank_qpu\.so(\s|$)/.test(trimmed)) return;
    found += 1;
    for (const problem of plugstackLineProblems(line)) problems.push(`line ${i + 1}: ${problem}`);
  });
  if (problems.length > 0) {
    throw new QrunError('PLUGSTACK_ARG_INVALID', `${path} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`, {
      hint: `Keep the spank_qpu line under ${PLUGSTACK_LINE_MAX} bytes (short paths for config=, handler=, node=, state_dir=), with only the keys docs/admin-guide.md lists.`,
      details: { path, problems },
    });
  }
  return found;
}
