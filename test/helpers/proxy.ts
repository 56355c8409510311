import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxyOptions {
  /** Flip one byte in the body of responses to matching paths. */
  corrupt?: (path: string) => boolean;
  /** Pause this long between forwarded chunks of matching paths. */
  slow?: { match: (path: string) => boolean; delayMs: number };
}

export interface TestProxy {
  host: string;
  /** GET requests seen, by path. */
  gets: Map<string, number>;
  close(): Promise<void>;
}

/** A loopback HTTP proxy in front of a test registry, which can count, slow down or corrupt. */
export async function startProxy(target: string, opts: ProxyOptions = {}): Promise<TestProxy> {
  const gets = new Map<string, number>();
  const upstream = new URL(target);
  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (req.method === 'GET') gets.set(path, (gets.get(path) ?? 0) + 1);
    const up = http.request(
      { host: upstream.hostname, port: upstream.port, path, method: req.method, headers: { ...req.headers, host: upstream.host } },
      async (ures) => {
        const headers = { ...ures.headers };
        if (headers.location) headers.location = headers.location.replace(upstream.host, (server.address() as AddressInfo).port ? `127.0.0.1:${(server.address() as AddressInfo).port}` : upstream.host);
        res.writeHead(ures.statusCode ?? 502, headers);
        let flipped = false;
        for await (const chunk of ures as AsyncIterable<Buffer>) {
          let out = chunk;
          if (!flipped && opts.corrupt?.(path) && chunk.length) {
            out = Buffer.from(chunk);
            out[out.length >> 1] ^= 0xff;
            flipped = true;
          }
          if (opts.slow?.match(path)) await new Promise((r) => setTimeout(r, opts.slow!.delayMs));
          if (res.destroyed) break;
          res.write(out);
        }
        res.end();
      },
    );
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    gets,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
