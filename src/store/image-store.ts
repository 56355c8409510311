import type { Db } from './db.js';
import type { ImageConfig, LayerCompression } from '../image/manifest.js';

export interface LayerRecord {
  digest: string;
  size: number;
  mediaType: string;
  compression: LayerCompression;
  /** The key of the layer's unpacked directory. */
  diffId: string;
  /** The key stores before diff-id keys used; kept to migrate them. */
  chainId: string;
}

export interface ImageRecord {
  id: string;
  manifestDigest: string;
  size: number;
  config: ImageConfig;
  layers: LayerRecord[];
  createdAt: string;
  repoTags: string[];
  repoDigests: string[];
}

interface ImageRow {
  id: string;
  manifest_digest: string;
  size: number;
  config: string;
  layers: string;
  created_at: string;
}

/** Image rows and the tag / digest references that name them. */
export class ImageStore {
  private readonly q;
  /**
   * Each image's first digest reference, as of the connection's count of
   * rows written (total_changes()): berthd is the database's only writer,
   * through this one connection, so while the count is the same so are the
   * references. A ListContainers asks it for every image of its containers,
   * call after call. Not to be read inside a transaction after its writes
   * (see ListedRows).
   */
  private digestRefs = { changes: -1, byId: new Map<string, string | undefined>() };

  constructor(private readonly db: Db) {
    this.q = {
      get: db.prepare<[string], Omit<ImageRow, 'config'>>('SELECT id, manifest_digest, size, layers, created_at FROM images WHERE id = ?'),
      all: db.prepare<[], Omit<ImageRow, 'config'>>('SELECT id, manifest_digest, size, layers, created_at FROM images ORDER BY created_at'),
      config: db.prepare<[string], { config: string }>('SELECT config FROM images WHERE id = ?'),
      changes: db.prepare<[], number>('SELECT total_changes()').pluck(),
      firstDigest: db.prepare<[string], string>("SELECT ref FROM image_refs WHERE image_id = ? AND kind = 'digest' ORDER BY ref LIMIT 1").pluck(),
      refsOf: db.prepare<[string], { ref: string; kind: string }>('SELECT ref, kind FROM image_refs WHERE image_id = ? ORDER BY ref'),
      allRefs: db.prepare<[], { ref: string; kind: string; image_id: string }>('SELECT ref, kind, image_id FROM image_refs ORDER BY ref'),
      byRef: db.prepare<[string], { image_id: string }>('SELECT image_id FROM image_refs WHERE ref = ?'),
      byIdPrefix: db.prepare<[string, string], { id: string }>("SELECT id FROM images WHERE id >= ? AND id < ? || 'g' LIMIT 2"),
      insert: db.prepare(
        'INSERT OR IGNORE INTO images (id, manifest_digest, size, config, layers, created_at) VALUES (@id, @manifest_digest, @size, @config, @layers, @created_at)',
      ),
      setRef: db.prepare('INSERT INTO image_refs (ref, kind, image_id) VALUES (?, ?, ?) ON CONFLICT(ref) DO UPDATE SET image_id = excluded.image_id'),
      deleteRef: db.prepare<[string]>('DELETE FROM image_refs WHERE ref = ?'),
      countRefs: db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM image_refs WHERE image_id = ?'),
      countTags: db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM image_refs WHERE image_id = ? AND kind = 'tag'"),
      deleteImage: db.prepare<[string]>('DELETE FROM images WHERE id = ?'),
      sizes: db.prepare<[], { id: string; config: number; layers: number }>(
        'SELECT id, length(CAST(config AS BLOB)) AS config, length(CAST(layers AS BLOB)) AS layers FROM images',
      ),
    };
  }

  /**
   * Rows that cannot be served: larger than a pull can write today (left by
   * a version without limits), or not the JSON a record needs. Sizes are
   * checked in SQLite, before any row is read into memory.
   */
  unreadable(max: { config: number; layers: number }): { id: string; reason: string }[] {
    const bad: { id: string; reason: string }[] = [];
    for (const r of this.q.sizes.all()) {
      if (r.config > max.config || r.layers > max.layers) {
        bad.push({ id: r.id, reason: `record is too large: config ${r.config} bytes, layers ${r.layers} bytes` });
        continue;
      }
      try {
        const rec = this.record(this.q.get.get(r.id)!, []);
        if (typeof rec.config !== 'object' || rec.config === null || !Array.isArray(rec.layers) || rec.layers.some((l) => typeof l?.diffId !== 'string'))
          throw new Error('unexpected shape');
      } catch (err) {
        bad.push({ id: r.id, reason: `record is unreadable: ${(err as Error).message}` });
      }
    }
    return bad;
  }

  /**
   * A record from a row read without its config, which is read on first
   * use: collection, recovery, most listings and image references (every
   * container of a CRI List) need only names and layers, and a config may
   * be megabytes.
   */
  private record(row: Omit<ImageRow, 'config'>, refs: { ref: string; kind: string }[]): ImageRecord {
    let config: ImageConfig | undefined;
    const rec = {
      id: row.id,
      manifestDigest: row.manifest_digest,
      size: row.size,
      layers: JSON.parse(row.layers) as LayerRecord[],
      createdAt: row.created_at,
      repoTags: refs.filter((r) => r.kind === 'tag').map((r) => r.ref),
      repoDigests: refs.filter((r) => r.kind === 'digest').map((r) => r.ref),
    };
    return Object.defineProperty(rec, 'config', {
      enumerable: true,
      get: () => (config ??= JSON.parse(this.q.config.get(row.id)?.config ?? '{}') as ImageConfig),
    }) as ImageRecord;
  }

  get(id: string): ImageRecord | undefined {
    const row = this.q.get.get(id);
    return row && this.record(row, this.q.refsOf.all(id));
  }

  /** The image's first repo digest (as `get(id).repoDigests[0]`), undefined for an image without one or no image. */
  firstRepoDigest(id: string): string | undefined {
    const changes = this.q.changes.get()!;
    if (this.digestRefs.changes !== changes) this.digestRefs = { changes, byId: new Map() };
    const { byId } = this.digestRefs;
    if (!byId.has(id)) byId.set(id, this.q.firstDigest.get(id));
    return byId.get(id);
  }

  /** Every readable image; a row that does not parse (see `unreadable`) is left out, not fatal. */
  list(): ImageRecord[] {
    const refs = new Map<string, { ref: string; kind: string }[]>();
    for (const r of this.q.allRefs.all()) refs.set(r.image_id, [...(refs.get(r.image_id) ?? []), r]);
    const out: ImageRecord[] = [];
    for (const row of this.q.all.iterate()) {
      try {
        out.push(this.record(row, refs.get(row.id) ?? []));
      } catch {
        continue;
      }
    }
    return out;
  }

  idByRef(ref: string): string | undefined {
    return this.q.byRef.get(ref)?.image_id;
  }

  /** Ids starting with `prefix` (`sha256:` included), at most two: enough to tell unique from ambiguous. */
  idsByPrefix(prefix: string): string[] {
    return this.q.byIdPrefix.all(prefix, prefix).map((r) => r.id);
  }

  /**
   * Records a pulled image and points its references at it, in one
   * transaction. Returns the ids of images that lost their last reference
   * to this pull (a moved tag), which are deleted.
   */
  save(img: Omit<ImageRecord, 'repoTags' | 'repoDigests'>, refs: { ref: string; kind: 'tag' | 'digest' }[]): string[] {
    return this.db.transaction(() => {
      this.q.insert.run({
        id: img.id,
        manifest_digest: img.manifestDigest,
        size: img.size,
        config: JSON.stringify(img.config),
        layers: JSON.stringify(img.layers),
        created_at: img.createdAt,
      });
      const orphans: string[] = [];
      for (const { ref, kind } of refs) {
        const prev = this.idByRef(ref);
        this.q.setRef.run(ref, kind, img.id);
        if (prev && prev !== img.id && this.q.countRefs.get(prev)!.n === 0) {
          this.q.deleteImage.run(prev);
          orphans.push(prev);
        }
      }
      return orphans;
    })();
  }

  /** Drops a tag; deletes the image (digests and all) once no tag is left. Returns true if it did. */
  removeTag(ref: string): boolean {
    return this.db.transaction(() => {
      const id = this.idByRef(ref);
      if (!id) return false;
      this.q.deleteRef.run(ref);
      if (this.q.countTags.get(id)!.n > 0) return false;
      this.q.deleteImage.run(id);
      return true;
    })();
  }

  /** Deletes an image with all its references. */
  remove(id: string): void {
    this.q.deleteImage.run(id);
  }
}
