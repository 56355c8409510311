import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { join } from 'node:path';
import { BerthError } from '../errors.js';

const DIGEST = /^sha256:([a-f0-9]{64})$/;

function hexOf(digest: string): string {
  const m = DIGEST.exec(digest);
  if (!m) throw new BerthError('INTERNAL', `not a sha256 digest: ${digest.slice(0, 80)}`);
  return m[1];
}

interface Inflight {
  done: Promise<string>;
  listeners: Set<(bytes: number) => void>;
}

/**
 * Blobs by digest under root/content. A blob is written to a temp file and
 * renamed into place only once its size and digest check out, so a blob
 * that exists is whole; concurrent fetches of one digest download it once.
 */
export class ContentStore {
  private readonly blobs: string;
  private readonly tmp: string;
  private readonly inflight = new Map<string, Inflight>();

  constructor(root: string) {
    this.blobs = join(root, 'content', 'blobs', 'sha256');
    this.tmp = join(root, 'content', 'tmp');
    mkdirSync(this.blobs, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  /** Drops partial downloads a crash left behind. */
  cleanTmp(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  path(digest: string): string {
    return join(this.blobs, hexOf(digest));
  }

  has(digest: string): boolean {
    return existsSync(this.path(digest));
  }

  size(digest: string): number {
    return statSync(this.path(digest)).size;
  }

  list(): string[] {
    return readdirSync(this.blobs)
      .filter((f) => /^[a-f0-9]{64}$/.test(f))
      .map((f) => `sha256:${f}`);
  }

  remove(digest: string): void {
    rmSync(this.path(digest), { force: true });
  }

  /**
   * Makes the blob present, downloading it through `open` if it is not.
   * `onBytes` sees the bytes as they arrive (also when another caller's
   * download of the same blob is already under way).
   */
  async fetch(digest: string, size: number, open: () => Promise<Readable>, onBytes?: (bytes: number) => void): Promise<string> {
    const target = this.path(digest);
    if (existsSync(target)) {
      onBytes?.(size);
      return target;
    }
    let entry = this.inflight.get(digest);
    if (!entry) {
      const listeners = new Set<(bytes: number) => void>();
      entry = { listeners, done: this.download(digest, size, open, listeners).finally(() => this.inflight.delete(digest)) };
      this.inflight.set(digest, entry);
    }
    if (onBytes) entry.listeners.add(onBytes);
    try {
      return await entry.done;
    } finally {
      if (onBytes) entry.listeners.delete(onBytes);
    }
  }

  private async download(digest: string, size: number, open: () => Promise<Readable>, listeners: Set<(n: number) => void>): Promise<string> {
    const tmpFile = join(this.tmp, `${hexOf(digest)}-${randomBytes(4).toString('hex')}`);
    const hash = createHash('sha256');
    let seen = 0;
    const check = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        seen += chunk.length;
        if (seen > size) return cb(new BerthError('UNAVAILABLE', `blob ${digest}: more than the ${size} bytes its descriptor gives`));
        hash.update(chunk);
        for (const l of listeners) l(chunk.length);
        cb(null, chunk);
      },
    });
    let source: Readable | undefined;
    try {
      source = await open();
      await pipeline(source, check, createWriteStream(tmpFile, { highWaterMark: 1 << 20 }));
      if (seen !== size) throw new BerthError('UNAVAILABLE', `blob ${digest}: got ${seen} bytes, its descriptor gives ${size}`);
      const actual = `sha256:${hash.digest('hex')}`;
      if (actual !== digest) throw new BerthError('UNAVAILABLE', `blob ${digest}: content has digest ${actual}`);
      renameSync(tmpFile, this.path(digest));
      return this.path(digest);
    } catch (err) {
      rmSync(tmpFile, { force: true });
      // The connection dropping mid-body is the registry's failure, not ours.
      if (source && !(err instanceof BerthError) && source.errored === err)
        throw new BerthError('UNAVAILABLE', `blob ${digest}: download interrupted: ${(err as Error).message}`);
      throw err;
    }
  }
}
