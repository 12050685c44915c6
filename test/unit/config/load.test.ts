import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadJsonConfig } from '../../../src/config/load.js';
import { QrunError } from '../../../src/errors.js';

const schema = z.object({ name: z.string(), lanes: z.number().int().positive(), nested: z.object({ on: z.boolean() }) }).strict();

async function fileWith(text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'qrun-config-'));
  const path = join(dir, 'config.json');
  await writeFile(path, text);
  return path;
}

async function failure(path: string): Promise<QrunError> {
  try {
    await loadJsonConfig(schema, path);
  } catch (error) {
    if (error instanceof QrunError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('loadJsonConfig', () => {
  it('returns the typed value of a valid file', async () => {
    const path = await fileWith('{"name":"a","lanes":2,"nested":{"on":true}}');
    await expect(loadJsonConfig(schema, path)).resolves.toEqual({ name: 'a', lanes: 2, nested: { on: true } });
  });

  it('lists every bad field by its path, not just the first', async () => {
    const error = await failure(await fileWith('{"name":1,"lanes":0,"nested":{"on":"x"},"extra":true}'));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toContain('name:');
    expect(error.message).toContain('lanes:');
    expect(error.message).toContain('nested.on:');
    expect(error.message).toMatch(/extra/);
  });

  it('says a missing file is missing', async () => {
    const error = await failure('/nonexistent/qpu.json');
    expect(error.code).toBe('CONFIG_NOT_FOUND');
    expect(error.message).toContain('/nonexistent/qpu.json');
  });

  it('says where the JSON syntax error is', async () => {
    const error = await failure(await fileWith('{"name": "a",,}'));
    expect(error.code).toBe('CONFIG_UNREADABLE');
    expect(error.message).toMatch(/not valid JSON/);
  });
});
