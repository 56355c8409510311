import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../daemon/log.js';
import { watchIdle } from './idle.js';
import { SpdyConnection } from './spdy.js';
import { TokenCache } from './tokens.js';
import { REMOTECOMMAND_PROTOCOLS, serveRemoteCommand, type RemoteCommandProtocol } from './remotecommand.js';
import { PORTFORWARD_PROTOCOLS, servePortForward } from './portforward.js';
import type { PortForwarder, RemoteCommand } from './types.js';
import { WS_REMOTECOMMAND_PROTOCOLS, serveWebSocketCommand } from './websocket.js';
import { WS_PORTFORWARD_PROTOCOLS, serveWebSocketPortForward, wsPorts } from './websocket-portforward.js';

type Pending = { kind: 'exec' | 'attach'; cmd: RemoteCommand } | { kind: 'portforward'; forwarder: PortForwarder };

export interface StreamingOptions {
  /** PEM certificate and key: HTTPS and https:// URLs. */
  tls?: { cert: Buffer; key: Buffer };
  /** A session that carries no byte either way for this long is closed (0: never). */
  idleTimeoutMs?: number;
}

const PATH = /^\/(exec|attach|portforward)\/([A-Za-z0-9_-]{1,64})$/;

function wsProtocols(req: IncomingMessage): readonly string[] {
  return (req.url ?? '').startsWith('/portforward/') ? WS_PORTFORWARD_PROTOCOLS : WS_REMOTECOMMAND_PROTOCOLS;
}

function plainResponse(socket: Duplex, status: string, body: string, headers: string[] = []): void {
  socket.end([`HTTP/1.1 ${status}`, 'Content-Type: text/plain; charset=utf-8', `Content-Length: ${Buffer.byteLength(body)}`, 'Connection: close', ...headers, '', body].join('\r\n'));
}

/**
 * A close frame, written at once when the client still reads, then the
 * connection dropped without waiting for the client's close frame, so the
 * session's command ends now (as the kubelet's wsstream closes at its deadline).
 */
function closeWebSocket(ws: WebSocket): void {
  ws.close(1000, 'idle timeout');
  ws.terminate();
}

/** The values of a header given once or several times, comma lists split. */
function headerList(req: IncomingMessage, name: string): string[] {
  return (req.headersDistinct[name] ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

/**
 * berthd's streaming server: Exec, Attach and PortForward answer with a
 * URL here, holding a single-use token; the client (the kubelet, crictl,
 * critest) upgrades that URL to SPDY/3.1 and speaks the kubelet's
 * remotecommand or portforward protocol, or to WebSocket with the
 * channel.k8s.io protocols. Anything but a live token's URL
 * is 404. Tokens never reach the log.
 */
export class StreamingServer {
  private readonly tokens = new TokenCache<Pending>();
  private readonly conns = new Set<SpdyConnection>();
  private readonly sockets = new Set<Duplex>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    // Clients send stdin in pieces of at most 32 KiB.
    maxPayload: 4 * 1024 * 1024,
    // As the kubelet: the first protocol the client offers that is served.
    handleProtocols: (offered, req) => [...offered].find((p) => wsProtocols(req).includes(p)) ?? false,
  });

  private constructor(
    private readonly http: Server,
    private readonly base: string,
    private readonly log: Logger,
    private readonly idleTimeoutMs: number,
  ) {}

  /** Listens on address:port (0: a free port). */
  static async start(address: string, port: number, log: Logger, { tls, idleTimeoutMs = 0 }: StreamingOptions = {}): Promise<StreamingServer> {
    const http: Server = tls ? createTlsServer(tls) : createServer();
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, address, () => {
        http.off('error', reject);
        resolve();
      });
    });
    const bound = http.address() as AddressInfo;
    const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
    const server = new StreamingServer(http, `${tls ? 'https' : 'http'}://${host}:${bound.port}`, log, idleTimeoutMs);
    http.on('request', (req: IncomingMessage, res: ServerResponse) => server.onRequest(req, res));
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => server.onUpgrade(req, socket, head));
    http.on('clientError', (_err, socket: Duplex) => socket.destroy());
    http.on('connection', (socket: Duplex) => {
      server.sockets.add(socket);
      socket.once('close', () => server.sockets.delete(socket));
    });
    log.info({ url: server.base }, 'streaming server listening');
    return server;
  }

  /** The server's own address, e.g. http://127.0.0.1:41235. */
  get url(): string {
    return this.base;
  }

  exec(cmd: RemoteCommand): string {
    return `${this.base}/exec/${this.tokens.insert({ kind: 'exec', cmd })}`;
  }

  attach(cmd: RemoteCommand): string {
    return `${this.base}/attach/${this.tokens.insert({ kind: 'attach', cmd })}`;
  }

  portForward(forwarder: PortForwarder): string {
    return `${this.base}/portforward/${this.tokens.insert({ kind: 'portforward', forwarder })}`;
  }

  /** Stops listening and drops every session; their processes see their client go. */
  async close(): Promise<void> {
    this.tokens.close();
    for (const c of this.conns) c.destroy();
    // Upgraded sockets are no longer the HTTP server's to close, but still hold its close.
    for (const s of this.sockets) s.destroy();
    this.wss.close();
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }

  /** Closes a session once it has been idle for the idle timeout, saying so in the log. */
  private closeWhenIdle(socket: Duplex, kind: Pending['kind'], close: () => void): void {
    watchIdle(socket, this.idleTimeoutMs, () => {
      this.log.info({ kind, idleTimeoutMs: this.idleTimeoutMs }, 'streaming session idle: closed');
      close();
    });
  }

  private take(req: IncomingMessage): Pending | undefined {
    const m = PATH.exec((req.url ?? '').split('?')[0]);
    if (!m || (req.method !== 'POST' && req.method !== 'GET')) return undefined;
    const pending = this.tokens.consume(m[2]);
    return pending?.kind === m[1] ? pending : undefined;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const [status, body] = this.take(req) ? [400, 'unable to upgrade: missing upgrade headers in request\n'] : [404, '404 page not found\n'];
    res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', Connection: 'close' }).end(body);
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => undefined);
    const pending = this.take(req);
    if (!pending) return plainResponse(socket, '404 Not Found', '404 page not found\n');
    const onError = (err: unknown) => this.log.warn({ kind: pending.kind, err: err instanceof Error ? err.message : String(err) }, 'streaming session failed');
    if (headerList(req, 'upgrade').some((u) => u.toLowerCase() === 'websocket')) {
      const offered = headerList(req, 'sec-websocket-protocol');
      if (offered.length && !offered.some((p) => wsProtocols(req).includes(p)))
        return plainResponse(socket, '400 Bad Request', `unable to upgrade: requested protocol(s) are not supported: ${JSON.stringify(offered.slice(0, 8))}\n`);
      if (pending.kind !== 'portforward') {
        const { cmd } = pending;
        return this.wss.handleUpgrade(req, socket, head, (ws) => {
          this.closeWhenIdle(socket, pending.kind, () => closeWebSocket(ws));
          serveWebSocketCommand(ws, ws.protocol, cmd, onError);
        });
      }
      const ports = wsPorts(new URLSearchParams((req.url ?? '').split('?')[1] ?? ''));
      if (typeof ports === 'string') return plainResponse(socket, '400 Bad Request', `unable to upgrade: ${ports}\n`);
      const { forwarder } = pending;
      return this.wss.handleUpgrade(req, socket, head, (ws) => {
        this.closeWhenIdle(socket, pending.kind, () => closeWebSocket(ws));
        serveWebSocketPortForward(ws, ws.protocol, ports, forwarder);
      });
    }
    if (!headerList(req, 'upgrade').some((u) => u.toLowerCase() === 'spdy/3.1'))
      return plainResponse(socket, '400 Bad Request', 'unable to upgrade: SPDY/3.1 or websocket expected\n');
    const offered = headerList(req, 'x-stream-protocol-version');
    const served: readonly string[] = pending.kind === 'portforward' ? PORTFORWARD_PROTOCOLS : REMOTECOMMAND_PROTOCOLS;
    const protocol = offered.find((p) => served.includes(p));
    if (!protocol)
      return plainResponse(
        socket,
        '403 Forbidden',
        `unable to upgrade: unable to negotiate protocol: client supports ${JSON.stringify(offered.slice(0, 8))}, server accepts ${JSON.stringify(served)}\n`,
        served.map((p) => `X-Accepted-Stream-Protocol-Versions: ${p}`),
      );
    socket.write(['HTTP/1.1 101 Switching Protocols', 'Connection: Upgrade', 'Upgrade: SPDY/3.1', `X-Stream-Protocol-Version: ${protocol}`, '', ''].join('\r\n'));
    const conn = new SpdyConnection(socket, head);
    this.conns.add(conn);
    conn.on('close', () => this.conns.delete(conn));
    this.closeWhenIdle(socket, pending.kind, () => conn.expire());
    if (pending.kind === 'portforward') return servePortForward(conn, pending.forwarder);
    serveRemoteCommand(conn, protocol as RemoteCommandProtocol, pending.cmd, onError);
  }
}
