import { readFileSync } from 'node:fs';
import { TARGETS } from './targets/index.ts';
const target = TARGETS.find((t) => t.name === process.argv[2])!;
const input = target.decode(readFileSync(process.argv[3]!, 'utf8'));
const t = performance.now();
try { await target.run(input); console.log('ok'); } catch (e: any) { console.log(e.code, e.stack?.split('\n').slice(0, 8).join('\n')); }
console.log((performance.now() - t).toFixed(0), 'ms');
