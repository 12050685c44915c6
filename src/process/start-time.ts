import { readFileSync } from 'node:fs';

/**
 * Start time of a process in clock ticks since boot (/proc/<pid>/stat field 22), or null when it is
 * gone or a zombie: with the pid it names one process, never a later one that reused the pid.
 */
export function processStartTime(pid: number): number | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields count from the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (rest[0] === 'Z' || rest[0] === 'X') return null;
  const start = Number(rest[19]);
  return Number.isFinite(start) ? start : null;
}
