import { Readable, Writable } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import { parseTerminalSize, statusMessage, type Outcome } from './remotecommand.js';
import type { RemoteCommand, TerminalSize } from './types.js';
import { CLOSE_SIGNAL, ERROR, RESIZE, STDERR, STDIN, STDOUT } from './channels.js';

/**
 * remotecommand over WebSocket (k8s.io/apimachinery wsstream, the
 * kubelet's remotecommand/websocket.go): each message is a channel byte
 * (0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize) and its data; the
 * base64 variants send the channel as an ASCII digit and the data in
 * base64 text. v4 and v5 report the exit status as a metav1.Status; v5
 * lets the client close stdin alone ([255, 0]). '' is the plain binary
 * protocol, as the kubelet takes it.
 */
export const WS_REMOTECOMMAND_PROTOCOLS = [
  'v5.channel.k8s.io',
  'v4.channel.k8s.io',
  'v4.base64.channel.k8s.io',
  'channel.k8s.io',
  'base64.channel.k8s.io',
] as const;


export function serveWebSocketCommand(ws: WebSocket, protocol: string, cmd: RemoteCommand, onError: (err: unknown) => void): void {
  const base64 = protocol.includes('base64');
  const asStatus = protocol.startsWith('v4.') || protocol.startsWith('v5.');
  const abort = new AbortController();
  let open = true;
  ws.on('error', () => undefined);
  ws.on('close', () => {
    open = false;
    abort.abort();
    stdin?.push(null);
  });

  const send = (channel: number, data: Buffer, cb?: (err?: Error) => void) => {
    if (!open) return cb?.(new Error('connection closed'));
    // ws calls back once the frame is on the socket: writes wait for it, which is the backpressure.
    if (base64) ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), cb);
    else ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, cb);
  };
  const output = (channel: number) =>
    new Writable({
      write: (chunk: Buffer, _enc, cb) => send(channel, chunk, (err) => cb(err ?? null)),
    });

  const stdin = cmd.stdin
    ? new Readable({
        read: () => {
          if (open) ws.resume();
        },
      })
    : null;
  const stdout = cmd.stdout ? output(STDOUT) : null;
  const stderr = cmd.stderr && !cmd.tty ? output(STDERR) : null;
  for (const s of [stdout, stderr]) s?.on('error', () => undefined);
  const resizeListeners: ((s: TerminalSize) => void)[] = [];

  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const msg = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (!msg.length) return;
    if (protocol === 'v5.channel.k8s.io' && msg[0] === CLOSE_SIGNAL) {
      if (msg.length === 2 && msg[1] === STDIN) stdin?.push(null);
      return;
    }
    const channel = base64 && !isBinary ? msg[0] - 48 : msg[0];
    const data = base64 && !isBinary ? Buffer.from(msg.subarray(1).toString('latin1'), 'base64') : msg.subarray(1);
    if (channel === STDIN && stdin && data.length && !stdin.push(data)) ws.pause();
    if (channel === RESIZE) {
      const size = parseTerminalSize(data.toString('utf8'));
      if (size) resizeListeners.forEach((l) => l(size));
    }
  });

  // The kubelet tells the client the session is up with an empty message on the lowest output channel.
  send(cmd.stdout ? STDOUT : cmd.stderr ? STDERR : ERROR, Buffer.alloc(0));

  void (async () => {
    let outcome: Outcome;
    try {
      outcome = { code: await cmd.run({ stdin, stdout, stderr, onResize: (l) => resizeListeners.push(l), signal: abort.signal }) };
    } catch (err) {
      onError(err);
      outcome = { error: err instanceof Error ? err.message : String(err) };
    }
    if (!open) return;
    const msg = statusMessage(asStatus, outcome, cmd.describe);
    if (msg) send(ERROR, Buffer.from(msg));
    ws.close(1000);
  })();
}
