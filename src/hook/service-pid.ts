/**
 * The hook service's pid file, <state_dir>/hook-service.pid: "<pid> <start time>\n" of its keeper
 * (src/hook/service.ts). Read by the service itself, `qrun admin doctor` and the dev cluster's `down`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processStartTime } from '../process/start-time.js';

export const SERVICE_PID_FILE = 'hook-service.pid';

export function servicePidLine(pid: number): string {
  return `${pid} ${processStartTime(pid) ?? '-'}\n`;
}

/** The keeper the pid file names, when that very process still runs (never a reused pid); else null. */
export async function runningKeeper(stateDir: string): Promise<number | null> {
  const text = await readFile(join(stateDir, SERVICE_PID_FILE), 'utf8').catch(() => '');
  const [pid, start] = text.trim().split(' ');
  const n = Number(pid);
  return Number.isInteger(n) && n > 1 && String(processStartTime(n)) === start ? n : null;
}
