import { Transform, type TransformCallback } from 'node:stream';

const BLOCK = 512;
const XATTR = 'SCHILY.xattr.';
// tar-stream refuses pax and GNU long-name bodies above this; so do we.
const MAX_META = 4 * 1024 * 1024;

/**
 * Decodes a pax extended header: `<len> <key>=<value>\n` records, values
 * kept as bytes (SCHILY.xattr values are binary: security.capability is a
 * struct).
 */
export function decodePax(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let at = 0;
  while (at < buf.length) {
    const space = buf.indexOf(0x20, at);
    if (space < 0) break;
    const len = Number.parseInt(buf.toString('ascii', at, space), 10);
    if (!(len > 0) || at + len > buf.length) break;
    const record = buf.subarray(space + 1, at + len - 1);
    const eq = record.indexOf(0x3d);
    if (eq >= 0) out.set(record.toString('utf8', 0, eq), record.subarray(eq + 1));
    at += len;
  }
  return out;
}

/** A tar number field: octal text, or base-256 when the high bit is set. */
function tarNumber(field: Buffer): number {
  if (field[0] & 0x80) {
    let n = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i];
    return n;
  }
  const text = field.toString('ascii').replace(/\0.*$/s, '').trim();
  return text ? Number.parseInt(text, 8) || 0 : 0;
}

function isNullHeader(h: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0 && (i < 148 || i >= 156)) return false;
  return true;
}

/**
 * The SCHILY.xattr pax values of each tar entry, byte for byte.
 *
 * tar-stream (like node-tar and modern-tar) decodes pax values as UTF-8,
 * which turns binary xattrs into replacement characters. This stream sits
 * in front of the extractor, passes the archive through unchanged, and
 * walks the same headers to keep the raw values: one result per entry, in
 * archive order, with the extractor's rules (a pax header applies to the
 * next entry, merged over the global one; GNU long names and the pax
 * headers themselves are not entries; a directory's size is not a body).
 * By the time the extractor emits an entry, its header has passed through
 * here, so `next()` always has it.
 */
export class PaxXattrs extends Transform {
  private readonly entries: (Map<string, Buffer> | null)[] = [];
  private header = Buffer.alloc(0);
  private body: Buffer[] | null = null;
  private bodyType = 0;
  private left = 0;
  private pad = 0;
  private global: Map<string, Buffer> | null = null;
  private local: Map<string, Buffer> | null = null;

  /** The xattrs of the next entry (null when it had no pax header). */
  next(): Map<string, Buffer> | null {
    const e = this.entries.shift();
    if (e === undefined) throw new Error('tar entry without a header seen');
    return e;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.walk(chunk);
    cb(null, chunk);
  }

  private walk(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left > 0) {
        const n = Math.min(this.left, chunk.length - at);
        this.body?.push(chunk.subarray(at, at + n));
        at += n;
        this.left -= n;
        if (this.left === 0) this.endBody();
      } else if (this.pad > 0) {
        const n = Math.min(this.pad, chunk.length - at);
        at += n;
        this.pad -= n;
      } else {
        const n = Math.min(BLOCK - this.header.length, chunk.length - at);
        this.header = Buffer.concat([this.header, chunk.subarray(at, at + n)]);
        at += n;
        if (this.header.length === BLOCK) {
          const h = this.header;
          this.header = Buffer.alloc(0);
          this.onHeader(h);
        }
      }
    }
  }

  private skip(size: number, keep: boolean): void {
    this.left = size;
    this.pad = (BLOCK - (size % BLOCK)) % BLOCK;
    this.body = keep ? [] : null;
    if (size === 0 && keep) this.endBody();
  }

  private onHeader(h: Buffer): void {
    if (isNullHeader(h)) return;
    let type = h[156] === 0 ? 0 : h[156] - 48;
    let size = tarNumber(h.subarray(124, 136));
    switch (type) {
      case 72: // pax header
      case 55: // pax global header
        this.bodyType = type;
        this.skip(size, size <= MAX_META);
        return;
      case 27: // GNU long link name
      case 28: // GNU long name
      case 30:
        this.skip(size, false);
        return;
    }
    const nameEnd = h.indexOf(0, 0) < 0 || h.indexOf(0, 0) > 100 ? 100 : h.indexOf(0, 0);
    const ustar = h.toString('latin1', 257, 263) === 'ustar\0';
    const slash = nameEnd > 0 ? h[nameEnd - 1] === 0x2f : ustar && h[345] !== 0;
    if (type === 0 && slash) type = 5;
    const pax = this.local;
    this.local = null;
    const paxSize = pax?.get('size');
    if (paxSize?.length) size = Number.parseInt(paxSize.toString('ascii'), 10) || 0;
    this.entries.push(pax && new Map([...pax].filter(([k]) => k.startsWith(XATTR)).map(([k, v]) => [k.slice(XATTR.length), v])));
    this.skip(type === 5 ? 0 : size, false);
  }

  private endBody(): void {
    if (!this.body) return;
    const records = decodePax(Buffer.concat(this.body));
    this.body = null;
    if (this.bodyType === 55) this.global = records;
    else this.local = new Map([...(this.global ?? []), ...records]);
  }
}
