import type { Duplex } from 'node:stream';
import type { SpdyConnection, SpdyStream } from './spdy.js';
import { STREAM_CREATION_TIMEOUT_MS } from './remotecommand.js';
import type { PortForwarder } from './types.js';

export const PORTFORWARD_PROTOCOLS = ['portforward.k8s.io'] as const;

interface Pair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

/**
 * The request a stream belongs to: its `requestid` header, or for clients
 * older than that header, as the kubelet pairs them, the error stream's id
 * (each data stream follows its error stream, two ids later).
 */
function requestId(s: SpdyStream, type: 'data' | 'error'): string {
  return s.headers['requestid'] ?? String(type === 'error' ? s.id : s.id - 2);
}

/** Copies both ways between the client's data stream and the connection until both directions end. */
function splice(data: SpdyStream, target: Duplex, fail: (msg: string) => void, done: () => void): void {
  let ended = 0;
  let over = false;
  const finish = () => {
    if (over) return;
    over = true;
    done();
  };
  const end = () => ++ended === 2 && finish();
  data.pipe(target);
  target.pipe(data);
  data.once('end', end);
  target.once('end', end);
  target.once('error', (err: Error) => fail(err.message));
  data.once('close', () => target.destroy());
  target.once('close', finish);
}

/**
 * Serves `portforward.k8s.io` on an upgraded connection: each forwarded
 * connection is a pair of streams, error then data, with the same request
 * id and port; the connection to the port lives as long as its data
 * stream, and a failure (nothing listens, the pod went away) is written to
 * its error stream. Pairs are independent: many may be open at once.
 */
export function servePortForward(conn: SpdyConnection, forwarder: PortForwarder): void {
  const pairs = new Map<string, Pair>();
  conn.on('close', () => {
    for (const p of pairs.values()) clearTimeout(p.timer);
    pairs.clear();
  });
  conn.on('stream', (s: SpdyStream) => {
    const type = s.headers['streamtype'];
    if (type !== 'data' && type !== 'error') return s.reset();
    const id = requestId(s, type);
    let pair = pairs.get(id);
    if (!pair) {
      // A pair whose other half never comes is dropped, as the kubelet does.
      const timer = setTimeout(() => {
        pairs.get(id)?.data?.reset();
        pairs.get(id)?.error?.reset();
        pairs.delete(id);
      }, STREAM_CREATION_TIMEOUT_MS);
      pairs.set(id, (pair = { timer }));
    }
    if (pair[type]) return s.reset();
    pair[type] = s;
    if (!pair.data || !pair.error) return;
    clearTimeout(pair.timer);
    pairs.delete(id);
    void forward(pair.data, pair.error, forwarder);
  });
}

async function forward(data: SpdyStream, error: SpdyStream, forwarder: PortForwarder): Promise<void> {
  // The client writes nothing on the error stream.
  error.resume();
  const portText = data.headers['port'] ?? '';
  const port = Number(portText);
  let reported = false;
  const fail = (msg: string) => {
    if (reported) return;
    reported = true;
    error.end(`error forwarding port ${port || JSON.stringify(portText.slice(0, 20))}: ${msg}`);
    data.end();
  };
  if (!/^\d{1,5}$/.test(portText) || port < 1 || port > 65535) return fail('invalid port');
  let target: Duplex;
  try {
    target = await forwarder.dial(port);
  } catch (err) {
    data.resume();
    return fail(err instanceof Error ? err.message : String(err));
  }
  if (data.destroyed) return void target.destroy();
  splice(data, target, fail, () => {
    if (!reported) error.end();
    if (!data.writableEnded) data.end();
  });
}
