import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { mib } from './limits.js';

// HTTPS to registries trusts the system's CA store (Debian's
// ca-certificates) as well as Node's bundled roots.
function systemCas(): string[] {
  try {
    return [...tls.rootCertificates, readFileSync('/etc/ssl/certs/ca-certificates.crt', 'utf8')];
  } catch {
    return [...tls.rootCertificates];
  }
}

const httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
let httpsAgent: https.Agent | undefined;

export interface HttpRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Time to the response headers, and idle time while the body streams. */
  timeoutMs?: number;
  /** Aborts the exchange, the body included. */
  signal?: AbortSignal;
  /** Called with whatever bytes arrive from the server. */
  onData?: (chunk: Buffer) => void;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: http.IncomingMessage;
  /** The URL that answered, after redirects. */
  url: string;
}

function once(url: URL, req: HttpRequest): Promise<HttpResponse> {
  const isHttps = url.protocol === 'https:';
  httpsAgent ??= new https.Agent({ keepAlive: true, maxSockets: 16, ca: systemCas() });
  const timeout = req.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    const r = (isHttps ? https : http).request(
      url,
      { method: req.method ?? 'GET', headers: req.headers, agent: isHttps ? httpsAgent : httpAgent, timeout, signal: req.signal },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: url.toString() }),
    );
    const onData = req.onData;
    // The socket already flows into the HTTP parser, so listening to it
    // changes nothing for the body; it is detached when the exchange ends,
    // before a kept-alive socket serves another one.
    if (onData)
      r.on('socket', (socket) => {
        socket.on('data', onData);
        r.once('close', () => socket.off('data', onData));
      });
    r.on('timeout', () => r.destroy(Object.assign(new Error(`no answer in ${timeout} ms`), { code: 'ETIMEDOUT' })));
    r.on('error', reject);
    r.end(req.body);
  });
}

/**
 * One HTTP exchange, following redirects (blob downloads often go to
 * another host); credentials are not sent on to a different host.
 */
export async function httpRequest(target: string, req: HttpRequest = {}): Promise<HttpResponse> {
  let url = new URL(target);
  let headers = { ...req.headers };
  for (let hop = 0; hop < 6; hop++) {
    const res = await once(url, { ...req, headers });
    const location = res.headers.location;
    if (![301, 302, 303, 307, 308].includes(res.status) || !location) return res;
    res.body.resume();
    const next = new URL(location, url);
    if (next.host !== url.host) {
      const { authorization: _dropped, ...rest } = headers;
      void _dropped;
      headers = rest;
    }
    url = next;
  }
  throw Object.assign(new Error(`too many redirects from ${target}`), { code: 'EREDIRECT' });
}

/**
 * Reads a whole body of at most `limit` bytes: refused before reading when
 * Content-Length says more, and cut off while streaming when the server
 * sends more than it said (or says nothing).
 */
export async function readBody(res: HttpResponse, limit: number, what: string): Promise<Buffer> {
  const tooLarge = (n: string) => {
    res.body.destroy();
    return new BerthError('FAILED_PRECONDITION', `${what} is ${n} bytes, more than the ${mib(limit)} berth accepts`);
  };
  const declared = Number(res.headers['content-length']);
  if (declared > limit) throw tooLarge(String(declared));
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) throw tooLarge(`over ${limit}`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
