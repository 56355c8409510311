import { createServer, type Server, type Socket } from 'node:net';
import WebSocket, { type RawData } from 'ws';
import { CLOSE_SIGNAL, ERROR, RESIZE, STDERR, STDIN, STDOUT } from '../api/streaming/channels.js';

// The client side of berthd's streaming server over WebSocket, as kubectl
// speaks it to the kubelet: every message is a channel byte and its data.

/** What one message carries at most; the server takes up to 4 MiB. */
const CHUNK = 32 * 1024;
/** Input queued on the socket before this process stops reading its own. */
const HIGH_WATER = 1024 * 1024;

export interface SessionIO {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(raw: boolean): unknown };
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number; rows?: number; on(event: 'resize', l: () => void): unknown };
  stderr: NodeJS.WritableStream;
}

export interface SessionOptions {
  stdin: boolean;
  tty: boolean;
}

function messageBytes(raw: RawData): Buffer {
  return Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
}

/** A URL the streaming server answered with, without its token, for error messages. */
function where(url: string): string {
  return url.replace(/\/[^/?]*(\?.*)?$/, '/…');
}

function wsUrl(url: string): string {
  return url.replace(/^http/, 'ws');
}

/**
 * The exit code a remotecommand v4/v5 status carries: 0 for Success, the
 * ExitCode cause for NonZeroExitCode; anything else is an error.
 */
export function exitCodeOf(statusText: string): number | Error {
  if (!statusText) return 0;
  let st: { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
  try {
    st = JSON.parse(statusText) as typeof st;
  } catch {
    return new Error(statusText);
  }
  if (st.status === 'Success') return 0;
  const code = st.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (st.reason === 'NonZeroExitCode' && code !== undefined && /^\d+$/.test(code)) return Number(code);
  return new Error(st.message ?? statusText);
}

/**
 * Runs an exec or attach session at a streaming URL with this process's
 * stdio: a raw terminal with `tty` and `stdin` on a terminal (restored
 * after), the window size sent at the start and on every change, stdin
 * closed at its end (v5). Resolves with the remote exit code.
 */
export function runRemoteCommand(url: string, o: SessionOptions, io: SessionIO): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(url), ['v5.channel.k8s.io', 'v4.channel.k8s.io'], { perMessageDeflate: false });
    const raw = o.tty && o.stdin && io.stdin.isTTY === true && typeof io.stdin.setRawMode === 'function';
    let status = '';
    let settled = false;
    const sendResize = () => {
      if (ws.readyState !== WebSocket.OPEN || !io.stdout.columns || !io.stdout.rows) return;
      ws.send(Buffer.concat([Buffer.from([RESIZE]), Buffer.from(JSON.stringify({ Width: io.stdout.columns, Height: io.stdout.rows }))]));
    };
    const onInput = (chunk: Buffer | string) => {
      const data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      for (let at = 0; at < data.length; at += CHUNK) ws.send(Buffer.concat([Buffer.from([STDIN]), data.subarray(at, at + CHUNK)]));
      if (ws.bufferedAmount > HIGH_WATER) {
        io.stdin.pause();
        const wait = () => (ws.bufferedAmount > HIGH_WATER && ws.readyState === WebSocket.OPEN ? setTimeout(wait, 10) : io.stdin.resume());
        setTimeout(wait, 10);
      }
    };
    const onInputEnd = () => {
      // v4 cannot close stdin alone; the session then ends with the command.
      if (ws.readyState === WebSocket.OPEN && ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([CLOSE_SIGNAL, STDIN]));
    };
    // A signal that ends berthctl ends the session first, so the terminal is left as it was found.
    const hangUp = () => ws.close();
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.once(sig, hangUp);
    const cleanup = () => {
      for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, hangUp);
      if (raw) io.stdin.setRawMode!(false);
      io.stdin.off('data', onInput);
      io.stdin.off('end', onInputEnd);
      io.stdin.pause();
      (io.stdout as NodeJS.EventEmitter).off('resize', sendResize);
    };
    const finish = (result: number | Error) => {
      if (settled) return;
      settled = true;
      cleanup();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };

    ws.on('unexpected-response', (_req, res) => {
      finish(new Error(`streaming server ${where(url)}: HTTP ${res.statusCode} ${res.statusMessage ?? ''}`.trim()));
      res.resume();
      ws.terminate();
    });
    ws.on('error', (err) => finish(new Error(`streaming server ${where(url)}: ${err.message}`)));
    ws.on('open', () => {
      if (o.tty) {
        sendResize();
        io.stdout.on('resize', sendResize);
      }
      if (o.stdin) {
        if (raw) io.stdin.setRawMode!(true);
        io.stdin.on('data', onInput);
        io.stdin.on('end', onInputEnd);
        io.stdin.resume();
      }
    });
    ws.on('message', (m: RawData) => {
      const msg = messageBytes(m);
      if (!msg.length) return;
      const data = msg.subarray(1);
      if (msg[0] === ERROR) status += data.toString('utf8');
      else if ((msg[0] === STDOUT || msg[0] === STDERR) && data.length) {
        const out = msg[0] === STDOUT ? io.stdout : io.stderr;
        // The terminal's pace: read no more from berthd until it has taken this.
        if (!out.write(data)) {
          ws.pause();
          out.once('drain', () => ws.resume());
        }
      }
    });
    ws.on('close', () => {
      if (!ws.protocol) return finish(new Error(`streaming server ${where(url)}: connection closed before the session began`));
      finish(exitCodeOf(status));
    });
  });
}

export interface PortSpec {
  local: number;
  remote: number;
}

/** `LOCAL:REMOTE`, `:REMOTE` (any free local port) or `PORT` (the same on both sides). */
export function parsePortSpec(spec: string): PortSpec {
  const m = /^(\d{0,5}):(\d{1,5})$|^(\d{1,5})$/.exec(spec);
  const local = m ? Number(m[3] ?? (m[1] || '0')) : NaN;
  const remote = m ? Number(m[3] ?? m[2]) : NaN;
  if (!m || local > 65535 || remote < 1 || remote > 65535) throw new Error(`port ${spec}: expected LOCAL:REMOTE, :REMOTE or PORT (1-65535)`);
  return { local, remote };
}

export interface Forwarding {
  /** The local port of each spec, in order (useful when one asked for 0). */
  ports: number[];
  close(): Promise<void>;
}

/**
 * Listens on `address` for each spec and carries every connection it
 * accepts to the remote port inside the pod, each over a WebSocket of its
 * own at a URL `urlFor` fetches (a streaming URL serves one connection).
 * Errors of one connection go to `log` and end that connection only.
 */
export async function forwardPorts(urlFor: (port: number) => Promise<string>, specs: PortSpec[], address: string, log: (line: string) => void): Promise<Forwarding> {
  const servers: Server[] = [];
  const sockets = new Set<Socket>();
  const close = async () => {
    for (const s of sockets) s.destroy();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  };
  try {
    for (const spec of specs) {
      const server = createServer({ allowHalfOpen: true }, (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
        log(`Handling connection for ${spec.local || (server.address() as { port: number }).port}`);
        void forwardOne(urlFor, spec.remote, socket, log);
      });
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(spec.local, address, () => {
          server.off('error', reject);
          resolve();
        });
      });
    }
  } catch (err) {
    await close();
    throw new Error(`listen on ${address}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { ports: servers.map((s) => (s.address() as { port: number }).port), close };
}

async function forwardOne(urlFor: (port: number) => Promise<string>, port: number, socket: Socket, log: (line: string) => void): Promise<void> {
  socket.pause();
  let url: string;
  try {
    url = await urlFor(port);
  } catch (err) {
    log(`error forwarding port ${port}: ${err instanceof Error ? err.message : String(err)}`);
    socket.destroy();
    return;
  }
  const target = new URL(wsUrl(url));
  target.searchParams.append('port', String(port));
  const ws = new WebSocket(target, ['v4.channel.k8s.io'], { perMessageDeflate: false });
  /** Each channel's first message is its port, not data. */
  const seen = [false, false];
  ws.on('unexpected-response', (_req, res) => {
    log(`error forwarding port ${port}: streaming server ${where(url)}: HTTP ${res.statusCode}`);
    res.resume();
    ws.terminate();
    socket.destroy();
  });
  ws.on('error', (err) => {
    log(`error forwarding port ${port}: ${err.message}`);
    socket.destroy();
  });
  ws.on('open', () => {
    socket.on('data', (d: Buffer) => {
      socket.pause();
      ws.send(Buffer.concat([Buffer.from([0]), d]), () => socket.resume());
    });
    socket.resume();
  });
  ws.on('message', (m: RawData) => {
    const msg = messageBytes(m);
    if (!msg.length || msg[0] > 1) return;
    const channel = msg[0];
    if (!seen[channel]) {
      seen[channel] = true;
      return;
    }
    const data = msg.subarray(1);
    if (channel === 1) {
      if (data.length) log(data.toString('utf8'));
      socket.destroy();
      ws.close();
      return;
    }
    if (!socket.write(data)) {
      ws.pause();
      socket.once('drain', () => ws.resume());
    }
  });
  ws.on('close', () => socket.end());
  // The WebSocket protocol has no half-close: a client that ends its side
  // still gets the answer, until the pod's side closes or the socket goes.
  socket.on('close', () => ws.close());
  socket.on('error', () => ws.terminate());
}
