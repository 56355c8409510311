import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import type { LayerCompression } from './manifest.js';
import { holdUnpackWorkers, unpackLayer } from './unpack-worker.js';
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
 * Unpacked layers under root/layers, one directory per diff id, each ready
 * to be an overlayfs lower dir: `<diff id>/diff`. A lower dir holds only
 * its own layer's changes, so one unpacked copy serves every position and
 * every image a layer appears in. A layer is unpacked into a temp dir and
 * renamed into place once its diff id checks out.
 *
 * Stores written before this were keyed by chain id; `migrate` renames
 * those directories, and a directory a container still has mounted keeps
 * whatever key its container records.
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
  diffDir(key: string): string {
    return join(this.dir, key.replace(/^sha256:/, ''), 'diff');
  }

  has(key: string): boolean {
    return existsSync(this.diffDir(key));
  }

  list(): string[] {
    return readdirSync(this.dir)
      .filter((f) => /^[a-f0-9]{64}$/.test(f))
      .map((f) => `sha256:${f}`);
  }

  remove(key: string): void {
    rmSync(join(this.dir, key.replace(/^sha256:/, '')), { recursive: true, force: true });
  }

  /**
   * Renames chain-keyed directories to their diff id where that one does
   * not exist yet (a rename leaves a mount of the directory working).
   * Returns every chain id whose directory is now found under its diff id,
   * also those renamed by an earlier start that crashed before its callers
   * caught up.
   */
  migrate(chainToDiff: Map<string, string>): Map<string, string> {
    const moved = new Map<string, string>();
    for (const [chain, diff] of chainToDiff) {
      if (chain === diff) continue;
      const from = join(this.dir, chain.replace(/^sha256:/, ''));
      const to = join(this.dir, diff.replace(/^sha256:/, ''));
      if (existsSync(from) && !existsSync(to)) renameSync(from, to);
      if (!existsSync(from) && existsSync(to)) moved.set(chain, diff);
    }
    return moved;
  }

  /** Keeps unpack threads between the layers of a pull; call the returned function when the pull ends. */
  holdWorkers(): () => void {
    return holdUnpackWorkers();
  }

  /** Makes the layer present, unpacking `blobPath` once however many ask at a time. */
  ensure(diffId: string, blobPath: string, compression: LayerCompression): Promise<string> {
    if (this.has(diffId)) return Promise.resolve(this.diffDir(diffId));
    let p = this.inflight.get(diffId);
    if (!p) {
      p = this.unpack(diffId, blobPath, compression).finally(() => this.inflight.delete(diffId));
      this.inflight.set(diffId, p);
    }
    return p;
  }

  private async unpack(diffId: string, blobPath: string, compression: LayerCompression): Promise<string> {
    const hex = diffId.replace(/^sha256:/, '');
    const work = join(this.tmp, `${hex.slice(0, 16)}-${randomBytes(4).toString('hex')}`);
    try {
      mkdirSync(join(work, 'diff'), { recursive: true, mode: 0o755 });
      await this.slots(() => unpackLayer(blobPath, compression, diffId, join(work, 'diff')));
      renameSync(work, join(this.dir, hex));
      return this.diffDir(diffId);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
}
