import { chmodSync, unlinkSync } from 'node:fs';
import { connect, createServer, type Server as NetServer, type Socket } from 'node:net';
import { basename, dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import hpack from 'hpack.js';
import { privateDir } from '../../host/private-dir.js';
import { invalidArgument } from '../../errors.js';

/*
 * Clients of the kubelet 1.2x / crictl 1.26 era (grpc-go before 1.4x) send
 * the unix socket path as the HTTP/2 `:authority`. nghttp2, under Node's
 * http2 server, resets such a stream with PROTOCOL_ERROR before grpc-js sees
 * it, and neither Node nor grpc-js has an option to turn that check off.
 *
 * So berth answers a new connection's preface itself (an empty SETTINGS,
 * which old grpc-go waits for before it sends a request) and reads up to the
 * client's first header block and its ACK of those SETTINGS. A valid
 * `:authority` there: the ACK is dropped, the bytes are put back, and the
 * socket itself goes to grpc-js through its public connection injector, so
 * nghttp2 reads it natively and the connection costs nothing more. Otherwise
 * the connection is relayed to grpc-js listening on a private socket (in a
 * 0700 dir beside berth's), every header block of the client decoded and
 * re-encoded with `:authority: localhost` (what newer grpc-go sends); other
 * frames pass byte for byte, the server's bytes untouched. A relay between
 * native sockets costs a few tens of microseconds a call; handing grpc-js a
 * JS stream cost hundreds, as Node's JSStreamSocket waits a setImmediate
 * after every write and berth's replies take several.
 */

const CLIENT_PREFACE_LENGTH = 24;
const FRAME_HEADER_LENGTH = 9;
const HEADERS = 0x1;
const CONTINUATION = 0x9;
const WINDOW_UPDATE = 0x8;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const PADDED = 0x8;
const PRIORITY = 0x20;
/** Every HTTP/2 peer accepts frames this large, whatever it advertised (RFC 9113 §4.2). */
const MAX_FRAME_PAYLOAD = 16_384;
/**
 * Node's http2 server refuses header lists above 64 KiB anyway; the bound
 * keeps a client from making the front buffer or expand more than that.
 */
const MAX_HEADER_BLOCK = 65_536;
const MAX_HEADER_LIST = 65_536;
/**
 * The client's encoder may use a table as large as the server allows (4096
 * by default). A decoder table at least that large holds every entry the
 * client can still refer to (indexes count from the newest entry), so it
 * stays in step without tracking the server's SETTINGS.
 */
const CLIENT_TABLE_LIMIT = 65_536;
/** The characters nghttp2 accepts in `:authority`. */
const VALID_AUTHORITY = /^[A-Za-z0-9\-._~!$&'()*+,;=:@[\]%]*$/;
const UNIX_AUTHORITY = 'localhost';

class HeaderBlockError extends Error {}

interface PendingBlock {
  streamId: number;
  endStream: boolean;
  priority: Buffer | null;
  fragments: Buffer[];
  size: number;
}

/** Writes `latin1` as an HPACK string literal without Huffman coding (RFC 7541 §5.1, §5.2) at `off`. */
function writeLiteral(out: Buffer, off: number, latin1: string): number {
  let length = latin1.length;
  if (length < 0x7f) out[off++] = length;
  else {
    out[off++] = 0x7f;
    length -= 0x7f;
    while (length >= 0x80) {
      out[off++] = (length & 0x7f) | 0x80;
      length >>>= 7;
    }
    out[off++] = length;
  }
  return off + out.write(latin1, off, 'latin1');
}

/**
 * Rewrites the client-to-server byte stream of one HTTP/2 connection. Its
 * own encoder never adds to the dynamic table and says so at the start of
 * every block (a size update to 0), so the server's decoder holds nothing
 * whatever SETTINGS_HEADER_TABLE_SIZE it announces.
 */
class ClientStreamRewriter {
  private prefaceLeft = CLIENT_PREFACE_LENGTH;
  private passLeft = 0;
  private pending: Buffer | null = null;
  private block: PendingBlock | null = null;
  private readonly decoder = hpack.decompressor.create({ table: { maxSize: CLIENT_TABLE_LIMIT } });
  private decodeError: Error | null = null;

  constructor() {
    this.decoder.on('error', (err) => (this.decodeError = err));
  }

  /** The bytes to send on for `chunk`; throws HeaderBlockError on a broken header block. */
  feed(chunk: Buffer): Buffer[] {
    const out: Buffer[] = [];
    const buf = this.pending ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = null;
    let off = 0;
    while (off < buf.length) {
      if (this.prefaceLeft > 0 || this.passLeft > 0) {
        const left = this.prefaceLeft > 0 ? this.prefaceLeft : this.passLeft;
        const n = Math.min(left, buf.length - off);
        out.push(buf.subarray(off, off + n));
        if (this.prefaceLeft > 0) this.prefaceLeft -= n;
        else this.passLeft -= n;
        off += n;
        continue;
      }
      if (buf.length - off < FRAME_HEADER_LENGTH) break;
      const length = buf.readUIntBE(off, 3);
      const type = buf[off + 3];
      if (type === HEADERS || type === CONTINUATION) {
        if (length > MAX_HEADER_BLOCK) throw new HeaderBlockError(`header frame of ${length} bytes`);
        if (buf.length - off < FRAME_HEADER_LENGTH + length) break;
        this.headerFrame(buf.subarray(off, off + FRAME_HEADER_LENGTH + length), out);
        off += FRAME_HEADER_LENGTH + length;
      } else {
        if (this.block) throw new HeaderBlockError(`frame type ${type} inside the header block of stream ${this.block.streamId}`);
        out.push(buf.subarray(off, off + FRAME_HEADER_LENGTH));
        this.passLeft = length;
        off += FRAME_HEADER_LENGTH;
      }
    }
    if (off < buf.length) this.pending = buf.subarray(off);
    return out;
  }

  private headerFrame(frame: Buffer, out: Buffer[]): void {
    const flags = frame[4];
    const streamId = frame.readUInt32BE(5) & 0x7fffffff;
    const payload = frame.subarray(FRAME_HEADER_LENGTH);
    let block: PendingBlock;
    if (frame[3] === HEADERS) {
      if (this.block) throw new HeaderBlockError(`HEADERS for stream ${streamId} inside the header block of stream ${this.block.streamId}`);
      let start = 0;
      let end = payload.length;
      if (flags & PADDED) {
        if (payload.length < 1) throw new HeaderBlockError('PADDED HEADERS without a pad length');
        start = 1;
        end -= payload[0];
      }
      let priority: Buffer | null = null;
      if (flags & PRIORITY) {
        priority = payload.subarray(start, start + 5);
        start += 5;
      }
      if (start > end) throw new HeaderBlockError(`HEADERS for stream ${streamId}: padding and priority exceed the payload`);
      block = { streamId, endStream: (flags & END_STREAM) !== 0, priority, fragments: [payload.subarray(start, end)], size: end - start };
      this.block = block;
    } else {
      if (!this.block || this.block.streamId !== streamId) throw new HeaderBlockError(`CONTINUATION for stream ${streamId} outside its header block`);
      block = this.block;
      block.fragments.push(payload);
      block.size += payload.length;
      if (block.size > MAX_HEADER_BLOCK) throw new HeaderBlockError(`header block of stream ${streamId} over ${MAX_HEADER_BLOCK} bytes`);
    }
    if (flags & END_HEADERS) {
      this.endBlock(block, out);
      this.block = null;
    }
  }

  private endBlock(block: PendingBlock, out: Buffer[]): void {
    this.decoder.write(block.fragments.length === 1 ? block.fragments[0] : Buffer.concat(block.fragments));
    this.decoder.execute();
    if (this.decodeError) throw new HeaderBlockError(`header block of stream ${block.streamId}: ${this.decodeError.message}`);
    const headers: { name: string; value: string; neverIndex: boolean }[] = [];
    let listSize = 0;
    for (let h = this.decoder.read(); h !== null; h = this.decoder.read()) {
      if (h.name === ':authority' && !VALID_AUTHORITY.test(h.value)) h.value = UNIX_AUTHORITY;
      listSize += h.name.length + h.value.length + 32;
      if (listSize > MAX_HEADER_LIST) throw new HeaderBlockError(`header list of stream ${block.streamId} over ${MAX_HEADER_LIST} bytes`);
      headers.push(h);
    }
    this.reencode(block, headers, listSize, out);
  }

  private reencode(block: PendingBlock, headers: { name: string; value: string; neverIndex: boolean }[], listSize: number, out: Buffer[]): void {
    // A field takes at most 9 bytes more than its strings (a type byte, two
    // length prefixes of at most 4 bytes under 64 KiB), less than the 32 the
    // list size counts.
    const encoded = Buffer.allocUnsafe(1 + listSize);
    // A dynamic table size update to 0 first: the server's table stays empty.
    encoded[0] = 0x20;
    let size = 1;
    for (const h of headers) {
      // Literal without indexing (0000) or never indexed (0001), new name.
      encoded[size++] = h.neverIndex ? 0x10 : 0x00;
      size = writeLiteral(encoded, size, h.name);
      size = writeLiteral(encoded, size, h.value);
    }
    const prefix = block.priority ? block.priority.length : 0;
    let off = 0;
    let first = true;
    do {
      const room = MAX_FRAME_PAYLOAD - (first ? prefix : 0);
      const piece = encoded.subarray(off, Math.min(off + room, size));
      off += piece.length;
      const last = off >= size;
      let flags = last ? END_HEADERS : 0;
      if (first) flags |= (block.endStream ? END_STREAM : 0) | (block.priority ? PRIORITY : 0);
      const header = Buffer.allocUnsafe(FRAME_HEADER_LENGTH);
      header.writeUIntBE((first ? prefix : 0) + piece.length, 0, 3);
      header[3] = first ? HEADERS : CONTINUATION;
      header[4] = flags;
      header.writeUInt32BE(block.streamId, 5);
      out.push(header);
      if (first && block.priority) out.push(block.priority);
      out.push(piece);
      first = false;
    } while (off < size);
  }
}

/** A server preface of berth's own: SETTINGS with no parameters, i.e. the defaults. */
const SERVER_PREFACE = Buffer.from([0, 0, 0, 0x4, 0, 0, 0, 0, 0]);
const SETTINGS = 0x4;
const ACK = 0x1;
/** Enough for a preface, SETTINGS, a window update and the largest header block. */
const MAX_SNIFF = 2 * MAX_HEADER_BLOCK;

type Verdict = 'native' | 'rewrite';

/**
 * Reads a connection's first bytes up to the client's first header block
 * and its ACK of berth's SETTINGS. The ACK belongs to no one downstream:
 * nghttp2 did not send those SETTINGS and would fail the connection on it.
 */
class Handshake {
  private buf: Buffer = Buffer.alloc(0);
  private off = CLIENT_PREFACE_LENGTH;
  private ack: { start: number; end: number } | null = null;
  private verdict: Verdict | null = null;
  private blockStream = -1;
  private fragments: Buffer[] = [];

  /** The verdict and the client's bytes less the ACK once both are known; throws HeaderBlockError. */
  feed(chunk: Buffer): { verdict: Verdict; bytes: Buffer } | null {
    const buf = (this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk);
    if (buf.length > MAX_SNIFF) throw new HeaderBlockError(`no header block in the first ${MAX_SNIFF} bytes`);
    while (buf.length - this.off >= FRAME_HEADER_LENGTH) {
      const length = buf.readUIntBE(this.off, 3);
      const end = this.off + FRAME_HEADER_LENGTH + length;
      if (buf.length < end) break;
      this.frame(buf, buf[this.off + 3], buf[this.off + 4], this.off, end);
      this.off = end;
      if (this.verdict && this.ack) {
        return { verdict: this.verdict, bytes: Buffer.concat([buf.subarray(0, this.ack.start), buf.subarray(this.ack.end)]) };
      }
    }
    return null;
  }

  private frame(buf: Buffer, type: number, flags: number, start: number, end: number): void {
    if (type === SETTINGS && flags & ACK && !this.ack) {
      this.ack = { start, end };
      return;
    }
    if (this.verdict) return;
    if (type === HEADERS || type === CONTINUATION) {
      const payload = buf.subarray(start + FRAME_HEADER_LENGTH, end);
      if (type === HEADERS) {
        let from = 0;
        let to = payload.length;
        if (flags & PADDED) {
          from = 1;
          to -= payload[0] ?? 0;
        }
        if (flags & PRIORITY) from += 5;
        if (from > to) throw new HeaderBlockError('HEADERS: padding and priority exceed the payload');
        this.blockStream = buf.readUInt32BE(start + 5) & 0x7fffffff;
        this.fragments = [payload.subarray(from, to)];
      } else {
        if (this.blockStream < 0) throw new HeaderBlockError('CONTINUATION outside a header block');
        this.fragments.push(payload);
      }
      if (flags & END_HEADERS) this.verdict = authorityIsValid(Buffer.concat(this.fragments)) ? 'native' : 'rewrite';
      return;
    }
    // A ping, a priority, ... before any request: this client is not one
    // whose authority is known, and the rewriting path serves every client.
    if (type !== SETTINGS && type !== WINDOW_UPDATE) this.verdict = 'rewrite';
  }
}

/** Whether a connection's first header block has no `:authority` or a valid one. */
function authorityIsValid(block: Buffer): boolean {
  const decoder = hpack.decompressor.create({ table: { maxSize: CLIENT_TABLE_LIMIT } });
  let failed = false;
  decoder.on('error', () => (failed = true));
  decoder.write(block);
  decoder.execute();
  if (failed) throw new HeaderBlockError('the first header block does not decode');
  for (let h = decoder.read(); h !== null; h = decoder.read()) {
    if (h.name === ':authority') return VALID_AUTHORITY.test(h.value);
  }
  return true;
}

/**
 * Relays a client connection whose header blocks need rewriting to
 * grpc-js's private socket; `first` are the bytes the handshake read.
 */
function relay(conn: Socket, target: string, first: Buffer): void {
  const up = connect(target);
  const rewriter = new ClientStreamRewriter();
  const fromClient = (chunk: Buffer): void => {
    let parts: Buffer[];
    try {
      parts = rewriter.feed(chunk);
    } catch {
      // A client whose header blocks do not decode cannot be served on
      // this connection: nghttp2 would end it with COMPRESSION_ERROR too.
      conn.destroy();
      return;
    }
    let more = true;
    // One writev for the pieces of a chunk, not a syscall each.
    up.cork();
    for (const part of parts) more = up.write(part);
    up.uncork();
    if (!more) {
      conn.pause();
      up.once('drain', () => conn.resume());
    }
  };
  conn.on('error', () => up.destroy());
  up.on('error', () => conn.destroy());
  conn.on('close', () => up.destroy());
  up.on('close', () => conn.destroy());
  up.pipe(conn);
  fromClient(first);
  conn.on('data', fromClient);
  conn.on('end', () => up.end());
  conn.resume();
}

function accept(conn: Socket, injector: grpc.ConnectionInjector, direct: string): void {
  const handshake = new Handshake();
  const onData = (chunk: Buffer): void => {
    let result: { verdict: Verdict; bytes: Buffer } | null;
    try {
      result = handshake.feed(chunk);
    } catch {
      conn.destroy();
      return;
    }
    if (!result) return;
    conn.pause();
    conn.off('data', onData);
    conn.off('error', onError);
    if (result.verdict === 'native') {
      conn.unshift(result.bytes);
      injector.injectConnection(conn);
    } else {
      relay(conn, direct, result.bytes);
    }
  };
  const onError = (): void => {
    conn.destroy();
  };
  conn.on('error', onError);
  conn.on('data', onData);
  conn.write(SERVER_PREFACE);
}

const listeners = new WeakMap<grpc.Server, NetServer>();

/** Longest path a unix socket can be bound at (sun_path less its NUL). */
const MAX_SOCKET_PATH = 107;

function unlinkIfPresent(path: string): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

/**
 * Serves `server` on the unix socket at `path` (mode 0660) through the
 * authority handshake; for the connections it relays, grpc-js also listens
 * on `.NAME.grpc/sock` beside it, in a dir only root can enter.
 */
export async function listenUnix(server: grpc.Server, path: string): Promise<void> {
  const dir = join(dirname(path), `.${basename(path)}.grpc`);
  const direct = join(dir, 'sock');
  if (Buffer.byteLength(direct) > MAX_SOCKET_PATH) {
    throw invalidArgument(`socket ${path}: berthd also listens at ${direct}, longer than the ${MAX_SOCKET_PATH} bytes a unix socket path may have; choose a shorter socket path`);
  }
  privateDir(dir);
  // Left by a daemon that died: the caller already made sure no live one
  // serves `path`, and this name belongs to `path` alone.
  unlinkIfPresent(direct);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${direct}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  const injector = server.createConnectionInjector(grpc.ServerCredentials.createInsecure());
  const listener = createServer((conn) => accept(conn, injector, direct));
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(path, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  // Accept failures (EMFILE, ECONNABORTED) are the client's loss, not a
  // reason to stop serving the others.
  listener.on('error', () => {});
  chmodSync(path, 0o660);
  listeners.set(server, listener);
}

/** Stops taking new connections on the socket `listenUnix` opened for `server`. */
export function closeUnix(server: grpc.Server): void {
  listeners.get(server)?.close();
  listeners.delete(server);
}
