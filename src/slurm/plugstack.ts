/**
 * plugstack.conf as Slurm reads it: `required|optional <plugin> [args...]` lines, `include <glob>`
 * lines, `#` comments. Used to find the spank_qpu line and its arguments (the shim's settings), and
 * by `qrun admin install` to add one without duplicating it.
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join } from 'node:path';

export const SHIM_FILE = 'spank_qpu.so';

export interface PlugstackLine {
  readonly file: string;
  readonly line: number;
  readonly required: boolean;
  /** The plugin path as written (relative paths are looked up in PluginDir). */
  readonly plugin: string;
  readonly args: readonly string[];
}

export function parsePlugstack(text: string, file: string): { plugins: PlugstackLine[]; includes: string[] } {
  const plugins: PlugstackLine[] = [];
  const includes: string[] = [];
  text.split('\n').forEach((raw, index) => {
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter((w) => w !== '');
    const [keyword, target, ...args] = words;
    if (keyword === undefined || target === undefined) return;
    if (keyword === 'include') includes.push(target);
    else if (keyword === 'required' || keyword === 'optional') plugins.push({ file, line: index + 1, required: keyword === 'required', plugin: target, args });
  });
  return { plugins, includes };
}

/** Only `dir/*.conf`-style globs (what sites use); anything else is taken as a file. */
async function expandInclude(pattern: string, base: string): Promise<string[]> {
  const path = isAbsolute(pattern) ? pattern : join(base, pattern);
  const star = basename(path);
  if (!star.includes('*')) return [path];
  const [prefix, suffix] = star.split('*', 2) as [string, string];
  const dir = dirname(path);
  const names = await readdir(dir).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix) && n.endsWith(suffix)).sort().map((n) => join(dir, n));
}

/** Every plugin line of a plugstack file and the files it includes (one level deep is all Slurm sites use). */
export async function readPlugstack(file: string): Promise<PlugstackLine[]> {
  const text = await readFile(file, 'utf8');
  const { plugins, includes } = parsePlugstack(text, file);
  for (const pattern of includes) {
    for (const included of await expandInclude(pattern, dirname(file))) {
      const more = await readFile(included, 'utf8').catch(() => null);
      if (more !== null) plugins.push(...parsePlugstack(more, included).plugins);
    }
  }
  return plugins;
}

/** The shim's line, or undefined. */
export function shimLine(lines: readonly PlugstackLine[]): PlugstackLine | undefined {
  return lines.find((l) => basename(l.plugin) === SHIM_FILE);
}

/** The shim's settings as its config parser reads them (spank/config.c), with its defaults. */
export interface ShimSettings {
  readonly config: string;
  readonly handler: string;
  readonly node: string;
  readonly state_dir: string;
  readonly timeout: number;
  readonly service_user: string | null;
  /** trace=yes: the handler's start-up timestamps in the hook log. */
  readonly trace: boolean;
  /** service=yes (the default): the node keeps a resident hook service (src/hook/service.ts). */
  readonly service: boolean;
  /** Arguments the shim would refuse, with why. */
  readonly problems: readonly string[];
}

export const SHIM_DEFAULTS = {
  config: '/etc/slurm/qpu.json',
  handler: '/usr/lib/node_modules/slurm-qpu/dist/hook/main.js',
  node: '/usr/bin/node',
  state_dir: '/var/lib/slurm-qpu',
  timeout: 30,
} as const;

const PATH_KEYS = ['config', 'handler', 'node', 'state_dir'] as const;

export function shimSettings(args: readonly string[]): ShimSettings {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const arg of args) {
    const eq = arg.indexOf('=');
    const key = eq < 0 ? arg : arg.slice(0, eq);
    const value = eq < 0 ? '' : arg.slice(eq + 1);
    if (eq < 0) problems.push(`argument is not key=value: ${arg}`);
    else if (![...PATH_KEYS, 'timeout', 'service_user', 'trace', 'service'].includes(key)) problems.push(`unknown key: ${key}`);
    else if (key in values) problems.push(`${key}: given more than once`);
    else if (value === '') problems.push(`${key}: empty value`);
    else if ((PATH_KEYS as readonly string[]).includes(key) && !value.startsWith('/')) problems.push(`${key}: must be an absolute path: ${value}`);
    else values[key] = value;
  }
  const timeout = values['timeout'] === undefined ? SHIM_DEFAULTS.timeout : Number(values['timeout']);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) problems.push(`timeout: expected whole seconds between 1 and 3600, got: ${values['timeout'] ?? ''}`);
  const trace = values['trace'];
  if (trace !== undefined && !['yes', 'no', '1', '0'].includes(trace)) problems.push(`trace: expected yes, no, 1 or 0, got: ${trace}`);
  const service = values['service'];
  if (service !== undefined && !['yes', 'no', '1', '0'].includes(service)) problems.push(`service: expected yes, no, 1 or 0, got: ${service}`);
  return {
    config: values['config'] ?? SHIM_DEFAULTS.config,
    handler: values['handler'] ?? SHIM_DEFAULTS.handler,
    node: values['node'] ?? SHIM_DEFAULTS.node,
    state_dir: values['state_dir'] ?? SHIM_DEFAULTS.state_dir,
    timeout,
    service_user: values['service_user'] ?? null,
    trace: trace === 'yes' || trace === '1',
    service: service !== 'no' && service !== '0',
    problems,
  };
}
