/**
 * The shim's reply parser (spank/reply.c), built on its own with ASan and UBSan: what slurmstepd
 * takes from the handler's stdout, every way a reply is refused, that what the handler renders is
 * what the shim reads, and a bounded fuzz run.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { renderReply, type HookReply } from '../../../src/hook/protocol.js';
import { compileC, cSkipReason, libFuzzerClang } from '../../helpers/c.js';

const spank = fileURLToPath(new URL('../../../spank/', import.meta.url));
const here = fileURLToPath(new URL('./', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'qpu-spank-reply-'));
const driver = join(work, 'reply-driver');

/** What the shim takes from `text`, as reply-driver.c prints it. */
function shimReads(text: string | Buffer): string {
  const ran = spawnSync(driver, [], { input: text, encoding: 'utf8' });
  expect(ran.status, ran.stderr).toBe(0);
  return ran.stdout;
}

const TOKEN = 'qrun_77_c2VjcmV0LXRva2VuLWJ5dGVz';
const GRANT = `qpu-reply 2 ok\nmessage lease acquired\nenv QRUN_BACKENDS=sim\nenv QRUN_TOKEN=${TOKEN}\nend\n`;

describe.skipIf(cSkipReason(work) !== '')('the shim reads the handler reply', () => {
  beforeAll(() => {
    compileC('cc', [join(spank, 'reply.c'), join(here, 'reply-driver.c')], driver, ['-I', spank, '-fsanitize=address,undefined']);
  });

  it('takes a grant: its message and each variable, a value may hold "="', () => {
    expect(shimReads(GRANT)).toBe(`ok\nmessage lease acquired\nenv QRUN_BACKENDS=sim\nenv QRUN_TOKEN=${TOKEN}\n`);
    expect(shimReads('qpu-reply 2 ok\nenv QRUN_ENDPOINT=unix:/run/a=b\nenv SLURM_JOB_QPU_TYPES=\nend\n')).toBe(
      'ok\nmessage \nenv QRUN_ENDPOINT=unix:/run/a=b\nenv SLURM_JOB_QPU_TYPES=\n',
    );
  });

  it('takes a refusal, and gives one without a message a reason', () => {
    expect(shimReads('qpu-reply 2 error\nmessage no lane free\nend\n')).toBe('error\nmessage no lane free\n');
    expect(shimReads('qpu-reply 2 error\nend\n')).toBe('error\nmessage the QPU hook handler refused without a reason\n');
  });

  it('passes UTF-8 text through as it is', () => {
    expect(shimReads('qpu-reply 2 error\nmessage backend « ibm_fez » is busy\nend\n')).toBe('error\nmessage backend « ibm_fez » is busy\n');
  });

  it.each<[string, string | Buffer, string]>([
    ['nothing', '', 'the reply is empty'],
    ['the JSON of an older handler', '{"version":1,"ok":true,"env":{"QRUN_TOKEN":"x"}}\n', 'the reply is JSON, so the handler is older than this shim'],
    ['an older reply version', 'qpu-reply 1 ok\nend\n', 'the handler speaks reply version 1, this shim speaks 2; install one slurm-qpu version of both'],
    ['a newer reply version', 'qpu-reply 3 ok\nend\n', 'speaks reply version 3'],
    ['text that is no reply', 'this is not JSON\n', "the reply does not start with 'qpu-reply 2'"],
    ['a status other than ok or error', 'qpu-reply 2 maybe\nend\n', "is not 'qpu-reply 2 ok' or 'qpu-reply 2 error'"],
    ['a last line without its newline', 'qpu-reply 2 ok\nend', 'line 2 of the reply has no newline at its end'],
    ['a reply without its end line', 'qpu-reply 2 ok\nenv QRUN_BACKENDS=sim\n', 'the reply has no end line'],
    ['lines after the end', 'qpu-reply 2 ok\nend\nenv QRUN_ENDPOINT=evil\n', 'the reply goes on after its end line'],
    ['CRLF line ends', 'qpu-reply 2 ok\r\nend\r\n', 'line 1 of the reply holds control character 0x0d'],
    ['a NUL byte', Buffer.from('qpu-reply 2 error\nmessage a\0b\nend\n'), 'line 2 of the reply holds control character 0x00'],
    ['a terminal escape in the message', 'qpu-reply 2 error\nmessage \u001b[2Jgone\nend\n', 'control character 0x1b'],
    ['env lines on a refusal', 'qpu-reply 2 error\nenv QRUN_TOKEN=x\nend\n', 'an error reply carries no env lines'],
    ['a variable outside QRUN_* and SLURM_JOB_QPU_*', 'qpu-reply 2 ok\nenv LD_PRELOAD=/tmp/x.so\nend\n', 'env name LD_PRELOAD is not allowed'],
    ['a bare prefix as a name', 'qpu-reply 2 ok\nenv QRUN_=x\nend\n', 'env name QRUN_ is not allowed'],
    ['a lower-case name', 'qpu-reply 2 ok\nenv QRUN_token=x\nend\n', 'env name QRUN_token is not allowed'],
    ['a name longer than 64 bytes', `qpu-reply 2 ok\nenv QRUN_${'A'.repeat(60)}=x\nend\n`, 'is not allowed'],
    ['an env line without "="', 'qpu-reply 2 ok\nenv QRUN_TOKEN\nend\n', "env line without '='"],
    ['a variable given twice', 'qpu-reply 2 ok\nenv QRUN_TOKEN=a\nenv QRUN_TOKEN=b\nend\n', 'env QRUN_TOKEN is given twice'],
    [
      'more than 16 variables',
      `qpu-reply 2 ok\n${Array.from({ length: 17 }, (_, i) => `env QRUN_V${i}=x\n`).join('')}end\n`,
      'more than 16 env lines',
    ],
    ['two messages', 'qpu-reply 2 error\nmessage a\nmessage b\nend\n', 'the reply has two message lines'],
    ['a message past 1023 bytes', `qpu-reply 2 error\nmessage ${'m'.repeat(1024)}\nend\n`, 'the message is longer than 1023 bytes'],
    ['a line past 4096 bytes', `qpu-reply 2 ok\nenv QRUN_ENDPOINT=${'x'.repeat(4096)}\nend\n`, 'line 2 of the reply is longer than 4096 bytes'],
    ['an unknown line', 'qpu-reply 2 ok\nexec /bin/sh\nend\n', 'line 2 of the reply is not message, env or end: exec /bin/sh'],
  ])('refuses %s', (_name, text, reason) => {
    const out = shimReads(text);
    expect(out).toMatch(/^refused: /);
    expect(out).toContain(reason);
  });

  it.each<[string, HookReply]>([
    ['a grant', { ok: true, message: 'lease acquired', env: { QRUN_BACKENDS: 'sim,sim_shared', QRUN_TOKEN: TOKEN, QRUN_DEADLINE: '1900000000' } }],
    ['a refusal', { ok: false, message: "unknown QPU backend 'nope'; valid backends: sim, sim_shared" }],
    ['a refusal with a multi-line message', { ok: false, message: 'the catalogue is unusable (qpu.json is invalid:\n  backends.sim: bad)' }],
    ['a refusal with a long message', { ok: false, message: 'ü'.repeat(2000) }],
  ])('reads %s exactly as the handler renders it', (_name, reply) => {
    const out = shimReads(renderReply(reply)).split('\n');
    expect(out[0]).toBe(reply.ok ? 'ok' : 'error');
    const message = (reply.message ?? '').split('\n')[0] ?? '';
    expect(message.startsWith(out[1]?.slice('message '.length) ?? '!')).toBe(true);
    expect(out.slice(2, -1)).toEqual(Object.entries(reply.env ?? {}).map(([name, value]) => `env ${name}=${value}`));
  });

  it('survives 20 000 fuzzed replies', () => {
    const corpus = join(work, 'corpus');
    mkdirSync(corpus, { recursive: true });
    const seeds = [
      GRANT,
      renderReply({ ok: false, message: 'no' }),
      renderReply({ ok: true, env: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`SLURM_JOB_QPU_V${i}`, String(i)])) }),
      'qpu-reply 2 error\nend\n',
    ].map((text, i) => {
      const path = join(corpus, `seed-${i}`);
      writeFileSync(path, text);
      return path;
    });
    const target = join(spank, 'fuzz', 'reply-fuzz.c');
    const binary = join(work, 'reply-fuzz');
    const clang = libFuzzerClang(work);
    let ran;
    if (clang !== undefined) {
      compileC(clang, [join(spank, 'reply.c'), target], binary, ['-I', spank, '-fsanitize=fuzzer,address,undefined']);
      const dict = join(work, 'reply.dict');
      writeFileSync(dict, ['"qpu-reply 2 "', '"ok"', '"error"', '"message "', '"env "', '"QRUN_"', '"SLURM_JOB_QPU_"', '"end"', '"\\x0a"', '"="'].join('\n'));
      ran = spawnSync(binary, ['-runs=20000', '-seed=1', '-max_len=8192', `-dict=${dict}`, corpus], { encoding: 'utf8', timeout: 120_000 });
    } else {
      compileC('cc', [join(spank, 'reply.c'), target, join(here, 'fuzz-standalone.c')], binary, ['-I', spank, '-fsanitize=address,undefined']);
      ran = spawnSync(binary, ['-runs=20000', ...seeds], { encoding: 'utf8', timeout: 120_000 });
    }
    expect(ran.status, `${ran.stdout}${ran.stderr}`.slice(-4000)).toBe(0);
  });
});
