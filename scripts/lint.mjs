#!/usr/bin/env node
/**
 * Project rules that the type checker cannot see (STYLE.md). Each rule names the file and line and
 * says what to do instead. Run by `npm run lint` after `tsc --noEmit`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

/** Files allowed to touch process-wide state: the entry points. */
const ENTRY_POINTS = [/^src\/primitives\/library-env\.ts$/, /^src\/cli\/context\.ts$/, /^src\/devcluster\//, /^src\/hook\/main\.ts$/, /^src\/gateway\/main\.ts$/];

const RULES = [
  {
    name: 'no-process-exit',
    test: (line) => /\bprocess\.exit\(/.test(line),
    why: 'return an exit code from main() instead; only bin/ sets process.exitCode',
    applies: () => true,
  },
  {
    name: 'no-process-env',
    test: (line) => /\bprocess\.env\b/.test(line),
    why: 'read the environment in an entry point and pass it down (CliContext.env)',
    applies: (file) => !ENTRY_POINTS.some((re) => re.test(file)),
  },
  {
    name: 'no-any',
    test: (line) => /(:\s*any\b|\bas any\b|<any>)/.test(line) && !/\/\/ any: /.test(line),
    why: 'use a precise type or unknown; if any is unavoidable, add `// any: <reason>` on the line',
    applies: () => true,
  },
  {
    name: 'no-console',
    test: (line) => /\bconsole\.(log|info|debug)\(/.test(line),
    why: 'write through CliContext streams or the pino logger',
    applies: () => true,
  },
];

function* walk(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (path.endsWith('.ts')) yield path;
  }
}

let problems = 0;
for (const path of walk(join(root, 'src'))) {
  const file = relative(root, path);
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((line, index) => {
      const trimmed = line.trim();
      // Comments are prose: "absent: any gate" is not a type.
      if (trimmed.startsWith('*') || trimmed.startsWith('/*') || trimmed.startsWith('//')) return;
      const code = line.replace(/\/\/(?! any: ).*$/, '');
      for (const rule of RULES) {
        if (rule.applies(file) && rule.test(code.includes('// any: ') ? line : code)) {
          problems++;
          process.stderr.write(`${file}:${index + 1}: ${rule.name}: ${rule.why}\n  ${line.trim()}\n`);
        }
      }
    });
}
if (problems > 0) {
  process.stderr.write(`lint: ${problems} problem(s)\n`);
  process.exitCode = 1;
} else {
  process.stdout.write('lint: clean\n');
}
