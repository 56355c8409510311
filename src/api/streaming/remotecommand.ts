import { finished } from 'node:stream/promises';
import type { SpdyConnection, SpdyStream } from './spdy.js';
import type { RemoteCommand, TerminalSize } from './types.js';

/**
 * The remotecommand subprotocols, newest first (k8s.io/apimachinery
 * util/remotecommand): v4 reports the exit status as a JSON Status; v3
 * adds the resize stream; v2 drops stderr with a tty; channel.k8s.io
 * always has it. (v5 exists only over WebSocket.)
 */
export const REMOTECOMMAND_PROTOCOLS = ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'] as const;
export type RemoteCommandProtocol = (typeof REMOTECOMMAND_PROTOCOLS)[number];

/** How long the client has to open the streams it asked for, as the kubelet's default. */
export const STREAM_CREATION_TIMEOUT_MS = 30_000;
/** Resize messages are tiny JSON objects; a client sending more without one ending is cut off. */
const MAX_RESIZE_MESSAGE = 1024;

type StreamType = 'error' | 'stdin' | 'stdout' | 'stderr' | 'resize';

function expectedStreams(cmd: RemoteCommand, protocol: RemoteCommandProtocol): Set<StreamType> {
  const want = new Set<StreamType>(['error']);
  if (cmd.stdin) want.add('stdin');
  if (cmd.stdout) want.add('stdout');
  if (cmd.stderr && (!cmd.tty || protocol === 'channel.k8s.io')) want.add('stderr');
  if (cmd.tty && protocol !== 'channel.k8s.io' && protocol !== 'v2.channel.k8s.io') want.add('resize');
  return want;
}

export type Outcome = { code: number } | { error: string };

/** What goes on the error stream at the end: v4 and later a metav1.Status, older versions the bare message. */
export function statusMessage(asStatus: boolean, outcome: Outcome, describe: string): string {
  if (!asStatus) {
    if ('error' in outcome) return outcome.error;
    return outcome.code ? `command terminated with non-zero exit code: error executing command ${describe}, exit code ${outcome.code}` : '';
  }
  if ('error' in outcome)
    return JSON.stringify({
      metadata: {},
      status: 'Failure',
      message: `Internal error occurred: ${outcome.error}`,
      reason: 'InternalError',
      details: { causes: [{ message: outcome.error }] },
      code: 500,
    });
  if (!outcome.code) return JSON.stringify({ metadata: {}, status: 'Success' });
  return JSON.stringify({
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command ${describe}, exit code ${outcome.code}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(outcome.code) }] },
  });
}

/** A client's TerminalSize message ({"Width":W,"Height":H}); undefined for anything else, which is skipped as the kubelet does. */
export function parseTerminalSize(msg: string): TerminalSize | undefined {
  try {
    const size = JSON.parse(msg) as { Width?: unknown; Height?: unknown };
    const width = Number(size.Width);
    const height = Number(size.Height);
    if (Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0 && width < 65536 && height < 65536) return { width, height };
  } catch {
    return undefined;
  }
  return undefined;
}

/** Terminal sizes from the resize stream: JSON objects one after another, as Go's json.Encoder writes them. */
function readResizes(stream: SpdyStream, listener: (size: TerminalSize) => void): void {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (d: string) => {
    text += d;
    let end: number;
    while ((end = text.indexOf('}')) >= 0) {
      const size = parseTerminalSize(text.slice(0, end + 1));
      text = text.slice(end + 1);
      if (size) listener(size);
    }
    if (text.length > MAX_RESIZE_MESSAGE) stream.reset();
  });
}

/**
 * Serves one exec or attach on an upgraded connection: waits for the
 * streams the command needs, runs it, then reports its status on the error
 * stream and closes the connection. A client that goes away aborts it.
 */
export function serveRemoteCommand(conn: SpdyConnection, protocol: RemoteCommandProtocol, cmd: RemoteCommand, onError: (err: unknown) => void): void {
  const want = expectedStreams(cmd, protocol);
  const streams = new Map<StreamType, SpdyStream>();
  const abort = new AbortController();
  const timer = setTimeout(() => conn.destroy(), STREAM_CREATION_TIMEOUT_MS);
  conn.on('close', () => {
    clearTimeout(timer);
    abort.abort();
  });
  const onStream = (s: SpdyStream) => {
    const type = s.headers['streamtype'] as StreamType;
    if (!['error', 'stdin', 'stdout', 'stderr', 'resize'].includes(type) || streams.has(type)) return s.reset();
    streams.set(type, s);
    // Nothing is read from the output streams; their readable side must not hold the socket.
    if (type !== 'stdin' && type !== 'resize') s.resume();
    if (![...want].every((t) => streams.has(t))) return;
    clearTimeout(timer);
    conn.off('stream', onStream);
    conn.on('stream', (extra: SpdyStream) => extra.reset());
    void run();
  };
  conn.on('stream', onStream);

  const run = async () => {
    const resizeListeners: ((s: TerminalSize) => void)[] = [];
    const resize = streams.get('resize');
    if (resize) readResizes(resize, (size) => resizeListeners.forEach((l) => l(size)));
    let outcome: Outcome;
    try {
      const code = await cmd.run({
        stdin: streams.get('stdin') ?? null,
        stdout: streams.get('stdout') ?? null,
        stderr: streams.get('stderr') ?? null,
        onResize: (l) => resizeListeners.push(l),
        signal: abort.signal,
      });
      outcome = { code };
    } catch (err) {
      onError(err);
      outcome = { error: err instanceof Error ? err.message : String(err) };
    }
    if (conn.isClosed) return;
    for (const t of ['stdout', 'stderr'] as const) {
      const s = streams.get(t);
      if (s && !s.writableEnded) s.end();
    }
    const error = streams.get('error')!;
    const msg = statusMessage(protocol === 'v4.channel.k8s.io', outcome, cmd.describe);
    error.end(msg || undefined);
    const outputs = (['stdout', 'stderr', 'error'] as const).flatMap((t) => streams.get(t) ?? []);
    await Promise.all(outputs.map((s) => finished(s, { readable: false }).catch(() => undefined)));
    conn.close();
  };
}
