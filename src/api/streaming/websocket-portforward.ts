import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { PortForwarder } from './types.js';

/**
 * Port forwarding over WebSocket, as the kubelet's portforward/websocket.go:
 * the ports are the URL's `port` query parameters; port i has channel 2i
 * for data (both ways) and 2i+1 for errors; each channel's first message
 * is its port as 2 bytes, little-endian. One connection per port, for the
 * life of the WebSocket. base64 variants as in remotecommand.
 */
export const WS_PORTFORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'v4.base64.channel.k8s.io', 'channel.k8s.io', 'base64.channel.k8s.io'] as const;

/** The ports a WebSocket port-forward URL asks for; an error message if they are not valid. */
export function wsPorts(query: URLSearchParams): number[] | string {
  const raw = query.getAll('port');
  if (!raw.length) return 'query parameter "port" is required';
  const ports = raw.map(Number);
  if (raw.some((p, i) => !/^\d{1,5}$/.test(p) || ports[i] < 1 || ports[i] > 65535)) return 'invalid port in query parameter "port"';
  return ports;
}

export function serveWebSocketPortForward(ws: WebSocket, protocol: string, ports: number[], forwarder: PortForwarder): void {
  const base64 = protocol.includes('base64');
  const targets: (Duplex | undefined)[] = [];
  /** What the client sends before its port's connection is made. */
  const early: Buffer[][] = ports.map(() => []);
  let open = true;
  ws.on('error', () => undefined);
  ws.on('close', () => {
    open = false;
    for (const t of targets) t?.destroy();
  });
  const send = (channel: number, data: Buffer, cb?: (err?: Error) => void) => {
    if (!open) return cb?.(new Error('connection closed'));
    if (base64) ws.send(String.fromCharCode(48 + channel) + data.toString('base64'), cb);
    else ws.send(Buffer.concat([Buffer.from([channel]), data]), { binary: true }, cb);
  };
  ports.forEach((port, i) => {
    const portBytes = Buffer.alloc(2);
    portBytes.writeUInt16LE(port, 0);
    send(2 * i, portBytes);
    send(2 * i + 1, portBytes);
    const fail = (msg: string) => send(2 * i + 1, Buffer.from(`error forwarding port ${port}: ${msg}`));
    void forwarder.dial(port).then(
      (t) => {
        if (!open) return void t.destroy();
        targets[i] = t;
        for (const d of early[i].splice(0)) t.write(d);
        t.on('error', (err: Error) => fail(err.message));
        t.on('data', (d: Buffer) => {
          // The client's pace: stop reading the port until the frame is out.
          t.pause();
          send(2 * i, d, () => t.resume());
        });
      },
      (err: unknown) => {
        early[i] = [];
        fail(err instanceof Error ? err.message : String(err));
      },
    );
  });
  ws.on('message', (raw: RawData, isBinary: boolean) => {
    const msg = Buffer.isBuffer(raw) ? raw : Array.isArray(raw) ? Buffer.concat(raw) : Buffer.from(raw);
    if (!msg.length) return;
    const channel = base64 && !isBinary ? msg[0] - 48 : msg[0];
    const data = base64 && !isBinary ? Buffer.from(msg.subarray(1).toString('latin1'), 'base64') : msg.subarray(1);
    if (channel % 2 !== 0 || channel / 2 >= ports.length || !data.length) return;
    const t = targets[channel / 2];
    if (!t) {
      early[channel / 2].push(data);
      return;
    }
    if (!t.write(data)) {
      ws.pause();
      t.once('drain', () => open && ws.resume());
    }
  });
}
