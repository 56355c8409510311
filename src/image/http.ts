import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';

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
      { method: req.method ?? 'GET', headers: req.headers, agent: isHttps ? httpsAgent : httpAgent, timeout },
      (res) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, url: url.toString() }),
    );
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

/** Reads a whole (small) body, refusing more than `limit` bytes. */
export async function readBody(res: HttpResponse, limit = 4 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      res.body.destroy();
      throw new Error(`response from ${res.url} is larger than ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
