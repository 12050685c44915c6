/**
 * The catalogue loader (src/config/catalogue.ts with load.ts): the file's text → JSON → schema, as
 * the hook, the gateway's launcher and `qrun admin check-config` read /etc/slurm/qpu.json.
 *
 * Text inputs go to parseJsonConfig, the loader's part after the read; one in FILE_EVERY is written
 * to a file and read by loadJsonConfig itself. Writing every input to disk made the file write most
 * of a run's time (the read is one readFile, the same for any text).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { catalogueSchema } from '../../../src/config/catalogue.js';
import { httpsProxyFor } from '../../../src/config/proxy.js';
import { loadJsonConfig, parseJsonConfig, validateConfig } from '../../../src/config/load.js';
import { decodeValue, encodeValue, type FuzzTarget } from '../harness.js';
import { hostileValue, mutatedJson, mutatedText } from '../mutate.js';
import { catalogueSeeds } from '../seeds.js';

/**
 * A catalogue as a value, or (text) as the bytes of a file; `file: false` parses the text as the
 * loader does after reading it (a corpus input without `file` goes through a file).
 */
export type CatalogueInput = { readonly value: unknown } | { readonly text: string; readonly file?: boolean };

const FILE_EVERY = 32;

const JSON_TOKENS = ['{', '}', '[', ']', ',', ':', '"', '\\', '\\u0000', '\\ud800', 'null', 'true', '1e999', '-0', '"backends"', '"type"', '"capacity"', '"lanes"', '"gres"', '"license"', '"secret"', '"file:/etc/x"', '"exec:"', '"env:"', '"keyring:a/b"', '"https_proxy"', '"http://10.0.0.1:3128"', '"__proto__"', '\ufeff'];

let dir: string | undefined;

export const catalogueTarget: FuzzTarget<CatalogueInput> = {
  name: 'catalogue',
  door: 'loadJsonConfig(catalogueSchema, file) and validateConfig: qpu.json as the hook and check-config read it',
  arbitrary: () => {
    const seeds = catalogueSeeds();
    const texts = seeds.map((s) => JSON.stringify(s, null, 2));
    return fc.oneof(
      { weight: 6, arbitrary: mutatedJson(seeds).map((value) => ({ value })) },
      { weight: 3, arbitrary: fc.tuple(mutatedText(texts, JSON_TOKENS), fc.nat(FILE_EVERY - 1)).map(([text, n]) => ({ text, file: n === 0 })) },
      { weight: 1, arbitrary: hostileValue.map((value) => ({ value })) },
    );
  },
  run: async (input) => {
    let catalogue;
    if ('text' in input && input.file === false) {
      catalogue = parseJsonConfig(catalogueSchema, input.text, 'qpu.json');
    } else if ('text' in input) {
      dir ??= mkdtempSync(join(tmpdir(), 'qpu-fuzz-catalogue-'));
      const path = join(dir, 'qpu.json');
      writeFileSync(path, input.text);
      catalogue = await loadJsonConfig(catalogueSchema, path);
    } else {
      catalogue = validateConfig(catalogueSchema, input.value, 'qpu.json');
    }
    for (const alias of Object.keys(catalogue.backends)) httpsProxyFor(catalogue, alias);
  },
  encode: encodeValue,
  decode: (text) => decodeValue(text) as CatalogueInput,
};
