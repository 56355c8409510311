import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import { constants as zc, createInflate, deflateSync, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './spdy-dictionary.js';

/*
 * The server side of SPDY/3.1 framing as Kubernetes' clients speak it
 * (github.com/moby/spdystream, under k8s.io/apimachinery httpstream/spdy).
 *
 * Our own framing rather than npm's spdy-transport: spdystream never sends
 * WINDOW_UPDATE, so a peer that honours SPDY/3.1 flow control (as
 * spdy-transport does) stalls every stream after its first 64 KiB of
 * output; spdy-transport also reads SYN_STREAM headers as HTTP requests,
 * while Kubernetes' streams carry only `streamtype`, `port` and
 * `requestid`, and it has not been released since 2018. Like spdystream,
 * this side does no flow control: backpressure is the TCP connection's.
 */

const VERSION = 3;
const FLAG_FIN = 0x01;
const TYPE = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const RST_PROTOCOL_ERROR = 1;
const RST_INVALID_STREAM = 2;
const RST_CANCEL = 5;
/** Larger frames than this are refused: Kubernetes' clients send at most 32 KiB of data per frame. */
const MAX_FRAME = 1 << 20;
/** The decompressed headers of one block; Kubernetes' streams carry a handful of short ones. */
const MAX_HEADER_BLOCK = 64 * 1024;

export type SpdyHeaders = Record<string, string>;

/** One stream a client opened: its data frames are the readable side, writes go back as data frames. */
export class SpdyStream extends Duplex {
  constructor(
    private readonly conn: SpdyConnection,
    readonly id: number,
    readonly headers: SpdyHeaders,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {
    this.conn.readable(this);
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, chunk, false, cb);
  }

  override _final(cb: (err?: Error | null) => void): void {
    this.conn.sendData(this.id, Buffer.alloc(0), true, cb);
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    this.conn.forget(this);
    cb(err);
  }

  /** Tells the client this stream is over, in both directions. */
  reset(): void {
    this.conn.sendReset(this.id, RST_INVALID_STREAM);
    this.destroy();
  }
}

interface Frame {
  control: boolean;
  type: number;
  flags: number;
  body: Buffer;
}

/**
 * A SPDY/3 connection over an upgraded HTTP socket, server side: the
 * client opens every stream; each is answered with an empty SYN_REPLY
 * at once (spdystream's CreateStream waits for it) and emitted as
 * 'stream'. 'close' once the socket is gone.
 */
export class SpdyConnection extends EventEmitter {
  private readonly streams = new Map<number, SpdyStream>();
  /** Streams whose reader is behind: the socket stays paused until all have caught up. */
  private readonly full = new Set<SpdyStream>();
  private inBuf: Buffer = Buffer.alloc(0);
  private readonly frames: Frame[] = [];
  private readonly inflate: Inflate;
  private inflated: Buffer = Buffer.alloc(0);
  private sentHeaderBlock = false;
  private closed = false;
  private lastStreamId = 0;

  constructor(private readonly socket: Duplex, head: Buffer) {
    super();
    // One zlib context per direction for the whole connection, flushed per header block.
    this.inflate = createInflate({ dictionary: SPDY3_DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH, flush: zc.Z_SYNC_FLUSH });
    this.inflate.on('data', (d: Buffer) => {
      this.inflated = Buffer.concat([this.inflated, d]);
      if (this.inflated.length > MAX_HEADER_BLOCK * 4) return this.fail();
      this.drainFrames();
    });
    this.inflate.on('error', () => this.fail());
    socket.on('data', (d: Buffer) => this.onBytes(d));
    socket.on('error', () => undefined);
    socket.on('close', () => this.onClose());
    socket.on('end', () => this.onClose());
    if (head.length) this.onBytes(head);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Says goodbye (GOAWAY) and ends the socket once what is queued is written. */
  close(): void {
    if (this.closed) return;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(this.lastStreamId, 0);
    this.socket.write(control(TYPE.GOAWAY, 0, body));
    this.socket.end();
    this.onClose();
  }

  /**
   * Ends an idle connection: every open stream reset, then GOAWAY; what
   * the client no longer reads is not waited for.
   */
  expire(): void {
    if (this.closed) return;
    for (const id of this.streams.keys()) this.sendReset(id, RST_CANCEL);
    this.close();
    if (this.socket.writableLength) this.socket.destroy();
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.socket.destroy();
    this.onClose();
  }

  /** @internal */
  sendData(id: number, data: Buffer, fin: boolean, cb: (err?: Error | null) => void): void {
    if (this.closed) return cb(new Error('connection closed'));
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    const ok = this.socket.write(data.length ? Buffer.concat([head, data]) : head);
    if (ok) return cb();
    // The client reads slower than the stream writes: wait for the socket, not for memory to fill.
    const onDrain = () => {
      this.socket.off('close', onDrain);
      this.socket.off('drain', onDrain);
      cb(this.closed ? new Error('connection closed') : null);
    };
    this.socket.once('drain', onDrain);
    this.socket.once('close', onDrain);
  }

  /** @internal */
  sendReset(id: number, status: number): void {
    if (this.closed) return;
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(status, 4);
    this.socket.write(control(TYPE.RST_STREAM, 0, body));
  }

  /** @internal a stream's reader wants more: resume the socket once no stream is behind. */
  readable(s: SpdyStream): void {
    if (!this.full.delete(s) || this.full.size || this.closed) return;
    this.socket.resume();
  }

  /** @internal */
  forget(s: SpdyStream): void {
    this.streams.delete(s.id);
    this.readable(s);
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    // The socket is half-open (the client ended it, or we did): once either side is done, so is the connection.
    if (this.socket.writableEnded) this.socket.once('finish', () => this.socket.destroy());
    else this.socket.destroy();
    this.inflate.destroy();
    for (const s of this.streams.values()) {
      s.push(null);
      s.destroy();
    }
    this.streams.clear();
    this.emit('close');
  }

  private fail(): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(this.lastStreamId, 0);
    body.writeUInt32BE(RST_PROTOCOL_ERROR, 4);
    if (!this.closed) this.socket.end(control(TYPE.GOAWAY, 0, body));
    this.socket.destroy();
    this.onClose();
  }

  private onBytes(d: Buffer): void {
    this.inBuf = this.inBuf.length ? Buffer.concat([this.inBuf, d]) : d;
    while (this.inBuf.length >= 8) {
      const len = this.inBuf.readUInt32BE(4) & 0xffffff;
      if (len > MAX_FRAME) return this.fail();
      if (this.inBuf.length < 8 + len) break;
      const control = (this.inBuf[0] & 0x80) !== 0;
      if (control && (this.inBuf.readUInt16BE(0) & 0x7fff) !== VERSION) return this.fail();
      const frame = { control, type: control ? this.inBuf.readUInt16BE(2) : 0, flags: this.inBuf[4], body: this.inBuf.subarray(0, 8 + len) };
      this.inBuf = this.inBuf.subarray(8 + len);
      this.frames.push(frame);
      // A header block must be inflated in order, since the zlib context is shared.
      const block = headerBlockOffset(frame);
      if (block !== undefined) this.inflate.write(frame.body.subarray(8 + block));
    }
    this.drainFrames();
  }

  /** Handles frames in arrival order; one with a header block waits until its block is inflated. */
  private drainFrames(): void {
    while (this.frames.length && !this.closed) {
      const f = this.frames[0];
      let headers: SpdyHeaders | undefined;
      if (headerBlockOffset(f) !== undefined) {
        const parsed = parseHeaderBlock(this.inflated);
        if (parsed === 'invalid') return this.fail();
        if (!parsed) return;
        headers = parsed.headers;
        this.inflated = this.inflated.subarray(parsed.size);
      }
      this.frames.shift();
      this.handle(f, headers ?? {});
    }
  }

  private handle(f: Frame, headers: SpdyHeaders): void {
    const b = f.body.subarray(8);
    if (!f.control) return this.onData(f.body.readUInt32BE(0) & 0x7fffffff, b, (f.flags & FLAG_FIN) !== 0);
    switch (f.type) {
      case TYPE.SYN_STREAM:
        return this.onSynStream(b.readUInt32BE(0) & 0x7fffffff, headers, (f.flags & FLAG_FIN) !== 0);
      case TYPE.RST_STREAM: {
        const s = this.streams.get(b.readUInt32BE(0) & 0x7fffffff);
        s?.push(null);
        s?.destroy();
        return;
      }
      case TYPE.PING:
        this.socket.write(control(TYPE.PING, 0, b.subarray(0, 4)));
        return;
      default:
        // SETTINGS, WINDOW_UPDATE (no flow control, as above), HEADERS and
        // SYN_REPLY (whose blocks were inflated to keep zlib in step), GOAWAY
        // (the client then closes the socket).
        return;
    }
  }

  private onSynStream(id: number, headers: SpdyHeaders, fin: boolean): void {
    if (id === 0 || id % 2 === 0 || id <= this.lastStreamId) return this.sendReset(id, RST_PROTOCOL_ERROR);
    this.lastStreamId = id;
    const s = new SpdyStream(this, id, headers);
    this.streams.set(id, s);
    const body = Buffer.alloc(4);
    body.writeUInt32BE(id, 0);
    this.socket.write(control(TYPE.SYN_REPLY, 0, Buffer.concat([body, this.headerBlock({})])));
    if (fin) s.push(null);
    this.emit('stream', s);
  }

  private onData(id: number, data: Buffer, fin: boolean): void {
    const s = this.streams.get(id);
    if (!s) return;
    if (data.length && !s.push(Buffer.from(data))) {
      this.full.add(s);
      this.socket.pause();
    }
    if (fin) s.push(null);
  }

  /**
   * A header block as zlib stored (uncompressed) blocks: valid for any
   * inflater primed with the dictionary, and needing no deflate context;
   * berth's replies carry no headers, so compressing would win nothing.
   * An empty stored block ends it, as a zlib sync flush does: Go's
   * inflater hands data over only at such a block boundary and would
   * otherwise read past the frame and fail the connection.
   */
  private headerBlock(headers: SpdyHeaders): Buffer {
    const parts: Buffer[] = [u32(Object.keys(headers).length)];
    for (const [k, v] of Object.entries(headers)) parts.push(u32(Buffer.byteLength(k)), Buffer.from(k), u32(Buffer.byteLength(v)), Buffer.from(v));
    const raw = Buffer.concat(parts);
    const stored = Buffer.alloc(5);
    stored.writeUInt16LE(raw.length, 1);
    stored.writeUInt16LE(~raw.length & 0xffff, 3);
    const out = [stored, raw, SYNC_FLUSH_END];
    if (!this.sentHeaderBlock) out.unshift(ZLIB_HEADER);
    this.sentHeaderBlock = true;
    return Buffer.concat(out);
  }
}

/** An empty, non-final stored block: what ends every zlib sync flush. */
const SYNC_FLUSH_END = Buffer.from([0x00, 0x00, 0x00, 0xff, 0xff]);

/** zlib's stream header naming the SPDY dictionary (CMF, FLG with FDICT, the dictionary's Adler-32). */
const ZLIB_HEADER = deflateSync(Buffer.alloc(0), { dictionary: SPDY3_DICTIONARY }).subarray(0, 6);

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}

function control(type: number, flags: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE((flags << 24) | body.length, 4);
  return Buffer.concat([head, body]);
}

/** Where a control frame's header block starts in its payload, if it has one. */
function headerBlockOffset(f: Frame): number | undefined {
  if (!f.control) return undefined;
  if (f.type === TYPE.SYN_STREAM) return 10;
  if (f.type === TYPE.SYN_REPLY || f.type === TYPE.HEADERS) return 4;
  return undefined;
}

/** One header block from the front of `buf`: undefined if not all there yet. */
function parseHeaderBlock(buf: Buffer): { headers: SpdyHeaders; size: number } | 'invalid' | undefined {
  if (buf.length < 4) return undefined;
  const n = buf.readUInt32BE(0);
  let at = 4;
  const headers: SpdyHeaders = {};
  for (let i = 0; i < n; i++) {
    const field: string[] = [];
    for (let j = 0; j < 2; j++) {
      if (buf.length < at + 4) return undefined;
      const len = buf.readUInt32BE(at);
      if (len > MAX_HEADER_BLOCK) return 'invalid';
      if (buf.length < at + 4 + len) return undefined;
      field.push(buf.toString('utf8', at + 4, at + 4 + len));
      at += 4 + len;
    }
    if (at > MAX_HEADER_BLOCK) return 'invalid';
    headers[field[0].toLowerCase()] = field[1];
  }
  return { headers, size: at };
}
