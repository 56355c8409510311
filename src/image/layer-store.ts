import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { LayerCompression } from './manifest.js';
import { unpackLayer } from './unpack-worker.js';
import pLimit from 'p-limit';

/** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)). */
export function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev ? `sha256:${createHash('sha256').update(`${prev} ${diffId}`).digest('hex')}` : diffId);
  }
  return out;
}

/**
 * Unpacked layers under root/layers, one directory per chain id, each
 * ready to be an overlayfs lower dir: `<chain>/diff`. A layer is unpacked
 * into a temp dir and renamed into place once its diff id checks out.
 */
export class LayerStore {
  private readonly dir: string;
  private readonly tmp: string;
  private readonly inflight = new Map<string, Promise<string>>();
  // Each unpack is a worker thread busy on a core; more would only add memory.
  private readonly slots = pLimit(availableParallelism());

  constructor(root: string) {
    this.dir = join(root, 'layers', 'sha256');
    this.tmp = join(root, 'layers', 'tmp');
    mkdirSync(this.dir, { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  cleanTmp(): void {
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp, { recursive: true });
  }

  /** The directory an overlay mount uses as this layer's lower dir. */
  diffDir(chainId: string): string {
    return join(this.dir, chainId.replace(/^sha256:/, ''), 'diff');
  }

  has(chainId: string): boolean {
    return existsSync(this.diffDir(chainId));
  }

  list(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^[a-f0-9]{64}$/.test(f))
      .map((f) => `sha256:${f}`);
  }

  remove(chainId: string): void {
    rmSync(join(this.dir, chainId.replace(/^sha256:/, '')), { recursive: true, force: true });
  }

  /** Makes the layer present, unpacking `blobPath` once however many ask at a time. */
  ensure(chainId: string, diffId: string, blobPath: string, compression: LayerCompression): Promise<string> {
    if (this.has(chainId)) return Promise.resolve(this.diffDir(chainId));
    let p = this.inflight.get(chainId);
    if (!p) {
      p = this.unpack(chainId, diffId, blobPath, compression).finally(() => this.inflight.delete(chainId));
      this.inflight.set(chainId, p);
    }
    return p;
  }

  private async unpack(chainId: string, diffId: string, blobPath: string, compression: LayerCompression): Promise<string> {
    const work = join(this.tmp, `${chainId.replace(/^sha256:/, '').slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(join(work, 'diff'), { recursive: true, mode: 0o755 });
      await this.slots(() => unpackLayer(blobPath, compression, diffId, join(work, 'diff')));
      renameSync(work, join(this.dir, chainId.replace(/^sha256:/, '')));
      return this.diffDir(chainId);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
