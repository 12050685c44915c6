/**
 * File handling for commands that read one input and write one output: paths resolve against the
 * context's cwd, the output is checked for writability before any work is done, and results are
 * written to a temporary file then renamed, so a failed run never leaves half a result behind.
 */
import { constants } from 'node:fs';
import { access, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { QrunError } from '../errors.js';
import type { CliContext } from './context.js';

export function resolvePath(ctx: CliContext, path: string): string {
  return resolve(ctx.cwd, path);
}

function errnoOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

function notWritable(path: string, why: string, cause?: unknown): QrunError {
  return new QrunError('OUTPUT_NOT_WRITABLE', `cannot write ${path}: ${why}`, {
    hint: 'Choose an output path in a directory you can write to, or omit it to write to stdout.',
    details: { path },
    ...(cause === undefined ? {} : { cause }),
  });
}

/** Throws OUTPUT_NOT_WRITABLE unless `path` can be created or overwritten. */
export async function checkWritable(path: string): Promise<void> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw notWritable(path, 'it is a directory');
    await access(path, constants.W_OK);
    return;
  } catch (error) {
    if (error instanceof QrunError) throw error;
    if (errnoOf(error) !== 'ENOENT') throw notWritable(path, errnoOf(error) === 'EACCES' ? 'permission denied' : String(error), error);
  }
  const parent = dirname(path);
  try {
    const info = await stat(parent);
    if (!info.isDirectory()) throw notWritable(path, `${parent} is not a directory`);
    await access(parent, constants.W_OK);
  } catch (error) {
    if (error instanceof QrunError) throw error;
    const code = errnoOf(error);
    throw notWritable(path, code === 'ENOENT' ? `directory ${parent} does not exist` : code === 'EACCES' ? `directory ${parent} is not writable` : String(error), error);
  }
}

export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoOf(error);
    if (code === 'ENOENT') {
      throw new QrunError('FILE_NOT_FOUND', `${path} does not exist`, { hint: 'Check the payload path.', details: { path } });
    }
    throw new QrunError('FILE_UNREADABLE', `cannot read ${path}: ${code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' ? 'permission denied' : String(error)}`, {
      details: { path },
      cause: error,
    });
  }
}

/** Writes via a sibling temporary file and a rename; special files (FIFOs, /dev/stdout) are written directly. */
export async function writeOutputFile(path: string, text: string): Promise<void> {
  try {
    const existing = await stat(path).catch(() => null);
    if (existing !== null && !existing.isFile()) {
      await writeFile(path, text);
      return;
    }
    const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    try {
      await writeFile(temporary, text, { mode: 0o644 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  } catch (error) {
    throw notWritable(path, String(error), error);
  }
}
