import type { Db } from './db.js';
import { alreadyExists } from '../errors.js';
import type { ContainerSpec } from '../container/spec.js';
import { DecodedRows, ListedRows } from './decoded.js';

/** 'creating' rows are intents: a crash mid-create leaves one for recovery to undo. */
export type ContainerState = 'creating' | 'CREATED' | 'RUNNING' | 'EXITED';

export interface ContainerData {
  spec: ContainerSpec;
  /** The image as the config named it, and the id it resolved to. */
  image: string;
  imageId: string;
  /** Keys (diff ids; chain ids in older stores) of the image layers under the rootfs, which image GC must keep. */
  layers: string[];
  bundle: string;
  upper: string;
  /** Absolute path of the CRI log file, or ''. */
  logPath: string;
  stopSignal: string;
  pid: number;
}

export interface ContainerRecord extends ContainerData {
  id: string;
  sandboxId: string;
  state: ContainerState;
  createdAt: string;
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  reason: string;
}

interface Row {
  id: string;
  sandbox_id: string;
  state: ContainerState;
  created_at: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  reason: string;
  data: string;
}

export class ContainerStore {
  private readonly q;
  private readonly decoded = new DecodedRows<ContainerData>();
  private readonly listed = new ListedRows<Row, ContainerRecord>(this.decoded, (row) => this.record(row));

  constructor(private readonly db: Db) {
    this.q = {
      insert: db.prepare(
        'INSERT INTO containers (id, sandbox_id, name, attempt, state, created_at, data) VALUES (@id, @sandbox_id, @name, @attempt, @state, @created_at, @data)',
      ),
      get: db.prepare<[string], Row>('SELECT * FROM containers WHERE id = ?'),
      changes: db.prepare<[], number>('SELECT total_changes()').pluck(),
      all: db.prepare<[], Row>('SELECT * FROM containers ORDER BY created_at'),
      bySandbox: db.prepare<[string], Row>('SELECT * FROM containers WHERE sandbox_id = ? ORDER BY created_at'),
      byPrefix: db.prepare<[string, string], { id: string }>("SELECT id FROM containers WHERE id >= ? AND id < ? || 'g' LIMIT 2"),
      update: db.prepare(
        'UPDATE containers SET state = @state, started_at = @started_at, finished_at = @finished_at, exit_code = @exit_code, reason = @reason, data = @data WHERE id = @id',
      ),
      delete: db.prepare<[string]>('DELETE FROM containers WHERE id = ?'),
    };
  }

  private record(row: Row): ContainerRecord {
    const data = this.decoded.decode(row.id, row.data);
    return {
      ...data,
      id: row.id,
      sandboxId: row.sandbox_id,
      state: row.state,
      createdAt: row.created_at,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      exitCode: row.exit_code,
      reason: row.reason,
    };
  }

  private data(rec: ContainerRecord): string {
    const { spec, image, imageId, layers, bundle, upper, logPath, stopSignal, pid } = rec;
    return JSON.stringify({ spec, image, imageId, layers, bundle, upper, logPath, stopSignal, pid } satisfies ContainerData);
  }

  /** Inserts a new container; a taken (name, attempt) in the sandbox is ALREADY_EXISTS. */
  insert(rec: ContainerRecord): void {
    try {
      this.q.insert.run({
        id: rec.id,
        sandbox_id: rec.sandboxId,
        name: rec.spec.name,
        attempt: rec.spec.attempt,
        state: rec.state,
        created_at: rec.createdAt,
        data: this.data(rec),
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw alreadyExists(`a container named ${rec.spec.name} (attempt ${rec.spec.attempt}) exists already in sandbox ${rec.sandboxId}`);
      throw err;
    }
  }

  get(id: string): ContainerRecord | undefined {
    const row = this.q.get.get(id);
    return row && this.record(row);
  }

  /** Every row, read again only after a write (see ListedRows); each record is the caller's own. */
  list(): ContainerRecord[] {
    return this.listed.list(this.q.changes.get()!, () => this.q.all.all());
  }

  /** Every row as `list`, but the store's own frozen records, the same array until a write (see ListedRows). */
  listShared(): readonly Readonly<ContainerRecord>[] {
    return this.listed.shared(this.q.changes.get()!, () => this.q.all.all());
  }

  inSandbox(sandboxId: string): ContainerRecord[] {
    return this.q.bySandbox.all(sandboxId).map((r) => this.record(r));
  }

  idsByPrefix(prefix: string): string[] {
    return this.q.byPrefix.all(prefix, prefix).map((r) => r.id);
  }

  save(rec: ContainerRecord): void {
    this.q.update.run({
      id: rec.id,
      state: rec.state,
      started_at: rec.startedAt,
      finished_at: rec.finishedAt,
      exit_code: rec.exitCode,
      reason: rec.reason,
      data: this.data(rec),
    });
  }

  delete(id: string): void {
    this.q.delete.run(id);
    this.decoded.forget(id);
  }

  /** Renames layer keys in every container that has them, in one transaction. */
  renameLayers(renamed: Map<string, string>): void {
    this.db.transaction(() => {
      for (const rec of this.list()) {
        if (!rec.layers.some((k) => renamed.has(k))) continue;
        rec.layers = rec.layers.map((k) => renamed.get(k) ?? k);
        this.save(rec);
      }
    })();
  }
}
