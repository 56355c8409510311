import { readFileSync } from 'node:fs';
import { BerthError, invalidArgument, withContext } from '../errors.js';
import type { ImageStore, ImageRecord, LayerRecord } from '../store/image-store.js';
import type { Logger } from '../daemon/log.js';
import type { Credentials } from './auth.js';
import type { RegistryClient } from './registry.js';
import type { ContentStore } from './content-store.js';
import { chainIds, type LayerStore } from './layer-store.js';
import { MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES } from './limits.js';
import { StallWatch } from './stall.js';
import { manifestKind, parseImageConfig, parseImageManifest, selectPlatform } from './manifest.js';
import { digestName, formatReference, parseImageId, parseReference, repository, taggedName } from './reference.js';
import type { PullProgressHub } from './progress.js';

/** Counts holders of a key; what a pull holds, garbage collection leaves alone. */
class Leases {
  private readonly held = new Map<string, number>();
  add(keys: string[]): void {
    for (const k of keys) this.held.set(k, (this.held.get(k) ?? 0) + 1);
  }
  release(keys: string[]): void {
    for (const k of keys) {
      const n = (this.held.get(k) ?? 1) - 1;
      if (n) this.held.set(k, n);
      else this.held.delete(k);
    }
  }
  has(k: string): boolean {
    return this.held.has(k);
  }
}

const PARALLEL_LAYERS = 3;

/**
 * Runs fn over items, `limit` at a time. After a failure no new item starts,
 * and the call settles only once the running ones have: a failed pull leaves
 * no download still writing behind it.
 */
async function eachLimit<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: { err: unknown } | undefined;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failure ??= { err };
      }
    }
  });
  await Promise.all(workers);
  if (failure) throw failure.err;
}

export interface ImagesDeps {
  store: ImageStore;
  registry: RegistryClient;
  content: ContentStore;
  layers: LayerStore;
  progress: PullProgressHub;
  log: Logger;
  /** Layer keys that containers still have mounted, beyond what images hold. */
  layersInUse?: () => Iterable<string>;
  /** Points containers' layer keys at the directories' new names (chain id to diff id). */
  renameLayersInUse?: (renamed: Map<string, string>) => void;
  onPullBytes?: (bytes: number) => void;
  /** A pull whose open requests make no progress for this long fails (see StallWatch); 0 never. */
  pullProgressTimeoutMs?: number;
}

/** Pulling, finding, listing and removing images. */
export class Images {
  private readonly leases = new Leases();
  private readonly pulls = new Map<string, Promise<ImageRecord>>();
  // Until recover() has moved layers to their diff-id keys, the store's
  // directory names and the records' keys disagree: collecting then would
  // delete layers images still use.
  private recovered = false;

  constructor(private readonly d: ImagesDeps) {}

  /**
   * At start: drops image records berthd cannot serve (logged, so that one
   * image never keeps berthd from starting), moves layer directories of
   * older stores to their diff-id keys, and removes what a crash mid-pull
   * may have left: temp files, unreferenced blobs and layers.
   */
  recover(): void {
    this.d.content.cleanTmp();
    this.d.layers.cleanTmp();
    for (const bad of this.d.store.unreadable({ config: MAX_CONFIG_BYTES, layers: MAX_MANIFEST_BYTES })) {
      this.d.log.error({ image: bad.id, reason: bad.reason }, 'stored image dropped: pull it again');
      this.d.store.remove(bad.id);
    }
    const chainToDiff = new Map<string, string>();
    for (const img of this.d.store.list()) for (const l of img.layers) if (l.chainId) chainToDiff.set(l.chainId, l.diffId);
    const renamed = this.d.layers.migrate(chainToDiff);
    if (renamed.size) this.d.renameLayersInUse?.(renamed);
    this.recovered = true;
    this.collectGarbage();
  }

  pull(image: string, creds: Credentials): Promise<ImageRecord> {
    const ref = parseReference(image);
    const key = formatReference(ref);
    let p = this.pulls.get(key);
    if (!p) {
      p = this.doPull(image, creds).finally(() => this.pulls.delete(key));
      this.pulls.set(key, p);
    }
    return p;
  }

  private async doPull(image: string, creds: Credentials): Promise<ImageRecord> {
    const ref = parseReference(image);
    const tracker = this.d.progress.begin(formatReference(ref));
    const watch = new StallWatch(this.d.pullProgressTimeoutMs ?? 0, `pull ${image}`);
    const releaseWorkers = this.d.layers.holdWorkers();
    const held: string[] = [];
    const hold = (keys: string[]) => {
      this.leases.add(keys);
      held.push(...keys);
    };
    try {
      const { repo, manifest: top } = await this.d.registry.resolve(ref, creds, watch);
      let manifest = top;
      if (manifestKind(top.mediaType, top.body) === 'index') {
        manifest = await repo.manifest(selectPlatform(top.body).digest);
        if (manifestKind(manifest.mediaType, manifest.body) !== 'manifest')
          throw new BerthError('FAILED_PRECONDITION', 'index entry for this platform is not an image manifest');
      }
      const parsed = parseImageManifest(manifest.body);
      hold([parsed.config.digest, ...parsed.layers.map((l) => l.digest)]);
      const configPath = await this.d.content.fetch(parsed.config.digest, parsed.config.size, () => repo.blob(parsed.config.digest));
      const { config, diffIds } = parseImageConfig(readFileSync(configPath), parsed.layers.length);
      const chains = chainIds(diffIds);
      hold(diffIds);
      tracker.setLayers(parsed.layers);
      await eachLimit(parsed.layers, PARALLEL_LAYERS, async (layer, i) => {
        const t0 = performance.now();
        const stored = this.d.layers.has(diffIds[i]) && this.d.content.has(layer.digest);
        if (stored) tracker.phase(i, 'already exists');
        const blob = await this.d.content.fetch(
          layer.digest,
          layer.size,
          () => repo.blob(layer.digest),
          (n) => {
            tracker.progress(i, n);
            this.d.onPullBytes?.(n);
          },
        );
        const t1 = performance.now();
        if (!this.d.layers.has(diffIds[i])) tracker.phase(i, 'extracting');
        await this.d.layers.ensure(diffIds[i], blob, layer.compression);
        if (!stored) tracker.phase(i, 'done');
        this.d.log.debug({ layer: layer.digest, fetchMs: Math.round(t1 - t0), unpackMs: Math.round(performance.now() - t1) }, 'layer ready');
      });
      const layers: LayerRecord[] = parsed.layers.map((l, i) => ({
        digest: l.digest,
        size: l.size,
        mediaType: l.mediaType,
        compression: l.compression,
        diffId: diffIds[i],
        chainId: chains[i],
      }));
      const refs: { ref: string; kind: 'tag' | 'digest' }[] = [{ ref: digestName(ref, top.digest)!, kind: 'digest' }];
      const tag = taggedName(ref);
      if (tag) refs.push({ ref: tag, kind: 'tag' });
      const orphans = this.d.store.save(
        {
          id: parsed.config.digest,
          manifestDigest: top.digest,
          size: parsed.config.size + parsed.layers.reduce((n, l) => n + l.size, 0),
          config,
          layers,
          createdAt: String(BigInt(Date.now()) * 1_000_000n),
        },
        refs,
      );
      if (orphans.length) this.collectGarbage();
      tracker.finish();
      this.d.log.info({ image: formatReference(ref), id: parsed.config.digest, endpoint: repo.endpoint.base }, 'image pulled');
      return this.d.store.get(parsed.config.digest)!;
    } catch (err) {
      // A stalled pull's requests fail as aborted; the stall is the cause.
      const e = watch.stalled ?? withContext(`pull ${image}`, err);
      tracker.finish(e.message);
      this.leases.release(held.splice(0));
      this.collectGarbage();
      throw e;
    } finally {
      releaseWorkers();
      watch.stop();
      this.leases.release(held);
    }
  }

  /**
   * The image a CRI image spec names: a reference (tag or digest), an
   * image id, or a unique prefix of an id.
   */
  find(spec: string): ImageRecord | undefined {
    const id = parseImageId(spec);
    if (id) return this.d.store.get(id);
    let ref;
    try {
      ref = parseReference(spec);
    } catch (err) {
      if (!/^(sha256:)?[a-f0-9]{1,63}$/.test(spec)) throw err;
    }
    if (ref) {
      const byRef = this.d.store.idByRef(ref.digest ? digestName(ref)! : taggedName(ref)!);
      if (byRef) return this.d.store.get(byRef);
      if (ref.digest) {
        const repo = repository(ref);
        const match = this.d.store.list().find((i) => i.manifestDigest === ref.digest && i.repoDigests.some((r) => r.startsWith(repo + '@')));
        if (match) return match;
      }
    }
    const hex = /^(?:sha256:)?([a-f0-9]{1,63})$/.exec(spec);
    if (!hex) return undefined;
    const ids = this.d.store.idsByPrefix(`sha256:${hex[1]}`);
    if (ids.length > 1) throw invalidArgument(`image id prefix ${spec} is ambiguous`);
    return ids.length ? this.d.store.get(ids[0]) : undefined;
  }

  /** The reference a kubelet shows as a container's imageID: the image's first repo digest, else the id it was given. */
  refOf(imageId: string): string {
    const id = parseImageId(imageId);
    if (id) return this.d.store.firstRepoDigest(id) ?? imageId;
    return this.find(imageId)?.repoDigests[0] ?? imageId;
  }

  list(filter?: string): ImageRecord[] {
    if (filter) {
      const one = this.find(filter);
      return one ? [one] : [];
    }
    return this.d.store.list();
  }

  /**
   * By tag: drops that tag, and the image with its last name. By id or
   * digest: the image with all its names. Gone already: nothing to do.
   */
  remove(spec: string): void {
    const img = this.find(spec);
    if (!img) return;
    let ref;
    try {
      ref = parseImageId(spec) ? undefined : parseReference(spec);
    } catch {
      ref = undefined;
    }
    const tag = ref && !ref.digest ? taggedName(ref) : undefined;
    if (tag && img.repoTags.includes(tag)) {
      if (!this.d.store.removeTag(tag)) return;
    } else this.d.store.remove(img.id);
    this.collectGarbage();
  }

  /** Deletes blobs and unpacked layers that no image, container or pull uses. */
  collectGarbage(): void {
    if (!this.recovered) return;
    const blobs = new Set<string>();
    const layers = new Set<string>(this.d.layersInUse?.() ?? []);
    for (const img of this.d.store.list()) {
      blobs.add(img.id);
      for (const l of img.layers) {
        blobs.add(l.digest);
        layers.add(l.diffId);
      }
    }
    for (const digest of this.d.content.list()) if (!blobs.has(digest) && !this.leases.has(digest)) this.d.content.remove(digest);
    for (const key of this.d.layers.list()) if (!layers.has(key) && !this.leases.has(key)) this.d.layers.remove(key);
  }
}
