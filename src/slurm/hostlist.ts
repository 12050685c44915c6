/**
 * Slurm's hostlist syntax, as scontrol prints node sets: `qn[1-2,5],gpu07,n[001-003]`. Expanded
 * here rather than with `scontrol show hostnames`, which would cost one more process on every QPU
 * job's launch path. Zero padding is kept (`n[08-10]` is n08 n09 n10), as Slurm does.
 */
import { QrunError } from '../errors.js';

/** A node set larger than this is not one job's allocation on one line: refuse rather than allocate. */
const MAX_HOSTS = 100_000;

function malformed(text: string, why: string): QrunError {
  return new QrunError('SLURM_COMMAND_FAILED', `cannot read the node list "${text}": ${why}`, {
    hint: 'Check that this node runs the Slurm version slurm-qpu was built for.',
  });
}

/** Splits on the commas that are not inside brackets. */
function topLevelItems(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      items.push(text.slice(start, i));
      start = i + 1;
    }
    if (depth < 0 || depth > 1) throw malformed(text, 'unbalanced brackets');
  }
  if (depth !== 0) throw malformed(text, 'unbalanced brackets');
  items.push(text.slice(start));
  return items.filter((item) => item !== '');
}

function expandRange(text: string, range: string): string[] {
  const match = /^(\d+)(?:-(\d+))?$/.exec(range);
  if (!match?.[1]) throw malformed(text, `bad range "${range}"`);
  const low = match[1];
  const high = match[2] ?? low;
  const from = Number(low);
  const to = Number(high);
  if (to < from || to - from > MAX_HOSTS) throw malformed(text, `bad range "${range}"`);
  const width = low.length;
  return Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(width, '0'));
}

/** Every host name of a hostlist expression, in order. */
export function expandHostlist(text: string): string[] {
  const hosts: string[] = [];
  for (const item of topLevelItems(text.trim())) {
    const open = item.indexOf('[');
    if (open < 0) {
      hosts.push(item);
      continue;
    }
    const close = item.indexOf(']', open);
    const prefix = item.slice(0, open);
    const suffix = item.slice(close + 1);
    if (suffix.includes('[')) throw malformed(text, 'more than one bracket per name');
    for (const range of item.slice(open + 1, close).split(',')) {
      for (const number of expandRange(text, range)) hosts.push(`${prefix}${number}${suffix}`);
    }
    if (hosts.length > MAX_HOSTS) throw malformed(text, `more than ${MAX_HOSTS} hosts`);
  }
  return hosts;
}
