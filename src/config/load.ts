import { readFile } from 'node:fs/promises';
import type { z } from 'zod';
import { QrunError } from '../errors.js';

/** One schema violation, addressed by its JSON path (`backends.ibm.capacity.lanes`). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

export function describeIssues(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({
    path: issue.path.length === 0 ? '(root)' : issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Validates `data` against `schema`; a failure lists every bad field, not just the first. */
export function validateConfig<S extends z.ZodType>(schema: S, data: unknown, source: string): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const problems = describeIssues(result.error);
  const lines = problems.map((p) => `  ${p.path}: ${p.message}`).join('\n');
  throw new QrunError('CONFIG_INVALID', `${source} is invalid:\n${lines}`, {
    hint: `Fix the fields listed above in ${source}.`,
    details: { source, problems },
  });
}

/** Reads a JSON configuration file and validates it. Loading happens in main(), never at import time. */
export async function loadJsonConfig<S extends z.ZodType>(schema: S, path: string): Promise<z.infer<S>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new QrunError('CONFIG_NOT_FOUND', `${path} does not exist`, {
        hint: 'Check the path, or create the file from slurm-conf/qpu.example.json.',
        cause: error,
      });
    }
    throw new QrunError('CONFIG_UNREADABLE', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  return parseJsonConfig(schema, text, path);
}

/** A configuration file's text, already read from `path`: JSON, then the schema. */
export function parseJsonConfig<S extends z.ZodType>(schema: S, text: string, path: string): z.infer<S> {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new QrunError('CONFIG_UNREADABLE', `${path} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Run the file through `jq .` to find the syntax error.',
      cause: error,
    });
  }
  return validateConfig(schema, data, path);
}
