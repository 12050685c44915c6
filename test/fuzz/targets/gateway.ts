/**
 * The job gateway's HTTP door (src/gateway/server.ts, routes.ts, request.ts, http.ts), driven as a
 * client would: a real server on a Unix socket, raw HTTP/1.1 written byte for byte, so methods,
 * paths, headers and bodies can be anything. Promise: every request is answered; a JSON error names
 * a catalogued code that is not INTERNAL; nothing answers 500; the server keeps serving.
 *
 * One input in WIRE_EVERY takes that whole path (and a probe after it). The others are handed to
 * the gateway's router (routes.ts: the route, the body reader, the task request parser, the task
 * manager of the same server) as Node's HTTP parser would hand them over: two socket connections
 * per input were most of a run's time, and the parts that are the gateway's own code are the same.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { Readable } from 'node:stream';
import { join } from 'node:path';
import fc from 'fast-check';
import { ERROR_CATALOG, QrunError } from '../../../src/errors.js';
import { parseGatewayConfig } from '../../../src/gateway/config.js';
import { route, type RouteContext } from '../../../src/gateway/routes.js';
import { startGatewayServer, type GatewayServer } from '../../../src/gateway/server.js';
import { mintToken } from '../../../src/gateway/token.js';
import { createLogger } from '../../../src/log/logger.js';
import { checkCoded, decodeValue, encodeValue, FuzzFailure, type FuzzTarget } from '../harness.js';
import { hostileValue, mutatedJson, mutatedText, NASTY_STRINGS } from '../mutate.js';
import { payloadSeeds } from '../seeds.js';

const JOB_ID = 9191;
const UID = process.getuid?.() ?? 0;
const TOKEN = mintToken(JOB_ID, UID);

export interface GatewayInput {
  readonly method: string;
  readonly path: string;
  /** Header lines as sent; `$TOKEN` becomes this gateway's token. */
  readonly headers: readonly string[];
  readonly body: string;
  /** Over the socket (the whole stack, then a probe), or straight to the router; a corpus input without it goes over the socket. */
  readonly wire?: boolean;
}

const WIRE_EVERY = 16;

/**
 * Wall time an answer may take before the gateway counts as hung. A gateway that hangs never
 * answers, so a minute finds it as surely as ten seconds; ten seconds were passed by answers of a
 * few milliseconds when a long run at nice 19 waited for a core on a machine short of memory.
 */
const NO_ANSWER_MS = 60_000;

// Small limits: a fuzzed task that is valid runs at once on a tiny simulator, and a big body is refused.
const LIMITS = { maxRequestBytes: 64 * 1024, maxTasks: 64, keepFinished: 16 };

let server: GatewayServer | undefined;
let socketPath = '';

/** Sends one request on its own connection and reads the whole answer (the server closes after it). */
function exchange(input: GatewayInput): Promise<string> {
  const headers = input.headers.map((h) => h.replace('$TOKEN', TOKEN));
  const hasLength = headers.some((h) => /^content-length\s*:/i.test(h));
  const head = [`${input.method} ${input.path} HTTP/1.1`, 'Host: gateway', 'Connection: close', ...headers];
  if (!hasLength && input.body !== '') head.push(`Content-Length: ${Buffer.byteLength(input.body)}`);
  const request = Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), Buffer.from(input.body, 'utf8')]);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect(socketPath);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new FuzzFailure(`no answer within ${NO_ANSWER_MS} ms`));
    }, NO_ANSWER_MS);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // A request that declares more body than it sends is cut off by the client closing its side.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    socket.end(request);
  });
}

function check(raw: string, method: string): void {
  // An `Expect: 100-continue` request gets an interim answer first.
  const answer = raw.replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, '');
  if (answer === '') return; // the connection was reset before a reply: what Node's parser does to some garbage
  const status = /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1];
  if (status === undefined) throw new FuzzFailure(`the answer is not HTTP: ${JSON.stringify(answer.slice(0, 200))}`);
  if (status === '500') throw new FuzzFailure(`answered 500: ${answer.slice(0, 400)}`);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  // A HEAD answer carries the headers of the JSON it would send, without the body.
  if (!/content-type: application\/json/i.test(answer) || method === 'HEAD') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new FuzzFailure(`the JSON answer does not parse: ${body.slice(0, 200)}`);
  }
  const code = (parsed as { error?: { code?: unknown } } | null)?.error?.code;
  if (code === undefined) return;
  if (typeof code !== 'string' || !Object.hasOwn(ERROR_CATALOG, code)) throw new FuzzFailure(`answered an uncatalogued code: ${JSON.stringify(code)}`);
  if (code === 'INTERNAL') throw new FuzzFailure(`answered INTERNAL: ${body.slice(0, 400)}`);
}

/** A plain request that must work: the server is still alive after the input. */
const PROBE: GatewayInput = { method: 'GET', path: '/v1/usage', headers: ['Authorization: Bearer $TOKEN'], body: '' };

/** Header lines as Node's parser would give them to the router: lower-case names, the first of each. */
function headersOf(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/.exec(line.replace('$TOKEN', TOKEN));
    if (m?.[1] !== undefined) headers[m[1].toLowerCase()] ??= m[2] ?? '';
  }
  return headers;
}

/** The router's answer, kept as the HTTP text `check` reads. */
function recordingResponse(): { res: ServerResponse; answer: () => string } {
  let head = '';
  let body = '';
  const res = {
    headersSent: false,
    setHeader: () => res,
    writeHead(status: number, headers: Record<string, string | number>) {
      head = `HTTP/1.1 ${status} X\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}`;
      res.headersSent = true;
      return res;
    },
    end(text?: string) {
      body = text ?? '';
      return res;
    },
    destroy: () => undefined,
  };
  return { res: res as unknown as ServerResponse, answer: () => (head === '' ? '' : `${head}\r\n\r\n${body}`) };
}

async function feedRouter(input: GatewayInput, ctx: RouteContext): Promise<void> {
  const headers = headersOf(input.headers);
  const declared = Number(headers['content-length'] ?? NaN);
  const bytes = Buffer.from(input.body, 'utf8');
  // Node's parser hands on the declared length of body; a client that sends less closes its side.
  const body = Number.isSafeInteger(declared) && declared >= 0 && declared < bytes.length ? bytes.subarray(0, declared) : bytes;
  const req = Object.assign(Readable.from(body.length === 0 ? [] : [body]), { method: input.method, url: input.path, headers }) as unknown as IncomingMessage;
  const { res, answer } = recordingResponse();
  try {
    await route(req, res, ctx);
  } catch (error) {
    // What the server would answer: thrown errors become their code (checkCoded refuses INTERNAL and non-QrunErrors).
    checkCoded(error);
    return;
  }
  check(answer(), input.method);
}

async function feedGateway(input: GatewayInput): Promise<void> {
  if (server === undefined) throw new Error('the gateway target is not open');
  if (input.wire === false) {
    await feedRouter(input, { manager: server.manager, jobId: JOB_ID, deadline: null, maxRequestBytes: LIMITS.maxRequestBytes });
    return;
  }
  check(await exchange(input), input.method);
  const probe = await exchange(PROBE);
  if (!probe.startsWith('HTTP/1.1 200')) throw new FuzzFailure(`the gateway stopped serving after the input: ${probe.slice(0, 200)}`);
}

function taskBodies(): unknown[] {
  return payloadSeeds().map(({ value }) => {
    const pub = (value as { pubs?: unknown[] }).pubs?.[0];
    const estimator = Array.isArray(pub) && pub.length >= 2 && typeof pub[1] !== 'number' && (value as { shots?: unknown }).shots === undefined && JSON.stringify(pub).includes('Z');
    return { program_id: estimator ? 'estimator' : 'sampler', params: value, options: { shots: 16, seed: 3 } };
  });
}

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'CONNECT', 'get', 'BREW', 'G\u00e9T', ''];
const PATHS = [
  '/v1/tasks', '/v1/tasks?wait=1', '/v1/tasks?wait=NaN', '/v1/tasks?wait=-1', '/v1/tasks?wait=1e308', '/v1/tasks?format=qiskit', '/v1/tasks?format=evil',
  '/v1/tasks/t-1', '/v1/tasks/t-1/result', '/v1/tasks/t-1/result?wait=0.1', '/v1/tasks/t-1/cancel', '/v1/tasks/%00/result', '/v1/tasks/..%2f..%2fetc',
  '/v1/backends', '/v1/usage', '/v1/', '/', '//', '//evil.example/v1/tasks', '/v2/tasks', '/v1/tasks/' + 'a'.repeat(5000), '*', 'http://x/v1/usage',
  '/v1/tasks?%', '/v1/%E0%A4%A', '/v1/usage#frag', '/v1/tasks/t-1/result/extra',
];
const HEADERS = [
  'Authorization: Bearer $TOKEN', 'Authorization: Bearer $TOKEN', 'Authorization: Bearer $TOKEN', 'Authorization: Bearer qrun_1_AAAA',
  'Authorization: Basic dXNlcjpwYXNz', 'Authorization: bearer    $TOKEN', 'Authorization: Bearer', 'Content-Type: application/json', 'Content-Type: text/plain',
  'Content-Length: 0', 'Content-Length: -1', 'Content-Length: 99999999999', 'Content-Length: 5', 'Content-Length: abc', 'Transfer-Encoding: chunked',
  'Transfer-Encoding: gzip, chunked', 'Expect: 100-continue', 'X-Long: ' + 'x'.repeat(20_000), 'Content-Encoding: gzip', 'Host: evil', ': empty name',
];

export const gatewayTarget: FuzzTarget<GatewayInput> = {
  name: 'gateway',
  door: 'the job gateway over its Unix socket: raw HTTP/1.1 requests (methods, paths, headers, bodies, sizes)',
  arbitrary: () => {
    const bodies = taskBodies();
    const bodyTexts = bodies.map((b) => JSON.stringify(b));
    const body = fc.oneof(
      { weight: 6, arbitrary: mutatedJson(bodies).map((b) => JSON.stringify(b) ?? '') },
      { weight: 2, arbitrary: mutatedText(bodyTexts, ['{', '}', '[', ']', '"', ',', ':', '\\', 'null', '1e999', '"program_id"', '"params"', '"options"', '\u0000']) },
      { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? '') },
      { weight: 1, arbitrary: fc.constantFrom('', '{}', 'null', '[]', '"x"', '{"program_id":"sampler"}', '0'.repeat(70_000)) },
    );
    return fc.record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8 }) }),
      path: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...PATHS) }, { weight: 1, arbitrary: fc.constantFrom(...NASTY_STRINGS).map((s) => `/v1/tasks/${s}`) }),
      headers: fc.array(fc.constantFrom(...HEADERS), { maxLength: 4 }).map((h) => (h.length === 0 ? ['Authorization: Bearer $TOKEN'] : h)),
      body,
      wire: fc.nat(WIRE_EVERY - 1).map((n) => n === 0),
    });
  },
  open: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qpu-fuzz-gw-'));
    socketPath = join(dir, 'gateway.sock');
    const config = parseGatewayConfig({
      version: 1,
      jobId: JOB_ID,
      uid: UID,
      token: TOKEN,
      deadline: null,
      socketPath,
      // Small limits: a fuzzed task that is valid runs at once on a tiny simulator, and a big body is refused.
      backends: [{ name: 'sim', type: 'sim', metadata: { num_qubits: 6, max_shots: 256 } }],
      limits: LIMITS,
      usageFile: join(dir, 'usage.json'),
      jobCheckSeconds: 0,
    });
    server = await startGatewayServer(config, { logger: createLogger({ name: 'gateway-fuzz', level: 'silent' }), peerUid: () => UID });
    return async () => {
      await server?.close(new QrunError('TASK_CANCELLED', 'fuzz run over'));
      server = undefined;
      rmSync(dir, { recursive: true, force: true });
    };
  },
  run: feedGateway,
  encode: encodeValue,
  decode: (text) => decodeValue(text) as GatewayInput,
};
