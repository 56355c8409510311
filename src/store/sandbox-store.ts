import type { Db } from './db.js';
import { alreadyExists } from '../errors.js';
import type { SandboxSpec } from '../sandbox/spec.js';
import type { Attachment, ConfList, NetworkState } from '../network/cni.js';
import { DecodedRows, ListedRows } from './decoded.js';

/** 'creating' rows are intents: a crash mid-create leaves one for recovery to undo. */
export type SandboxState = 'creating' | 'READY' | 'NOTREADY';

export interface SandboxData {
  spec: SandboxSpec;
  hostname: string;
  /** Path of the pinned network namespace; empty on host network. */
  netns: string;
  ip: string;
  /** Set before CNI ADD runs, so that a crash after it can still DEL. */
  cniConflist?: ConfList;
  /** What ADD returned; cleared once DEL has released the network. */
  network?: NetworkState;
  /** A DEL failed and is owed. */
  pendingDel?: boolean;
}

export interface SandboxRecord extends SandboxData {
  id: string;
  state: SandboxState;
  createdAt: string;
}

/** What a CNI DEL of a removed pod needs: its attachment and what ADD returned. */
export interface OwedRelease {
  attachment: Attachment;
  network: NetworkState;
}

interface Row {
  id: string;
  state: SandboxState;
  created_at: string;
  data: string;
}

export class SandboxStore {
  private readonly q;
  private readonly decoded = new DecodedRows<SandboxData>();
  private readonly listed = new ListedRows<Row, SandboxRecord>(this.decoded, (row) => this.record(row));

  constructor(db: Db) {
    this.q = {
      insert: db.prepare(
        'INSERT INTO sandboxes (id, name, namespace, uid, attempt, state, created_at, data) VALUES (@id, @name, @namespace, @uid, @attempt, @state, @created_at, @data)',
      ),
      get: db.prepare<[string], Row>('SELECT id, state, created_at, data FROM sandboxes WHERE id = ?'),
      changes: db.prepare<[], number>('SELECT total_changes()').pluck(),
      all: db.prepare<[], Row>('SELECT id, state, created_at, data FROM sandboxes ORDER BY created_at'),
      byPrefix: db.prepare<[string, string], { id: string }>("SELECT id FROM sandboxes WHERE id >= ? AND id < ? || 'g' LIMIT 2"),
      update: db.prepare<[string, string, string]>('UPDATE sandboxes SET state = ?, data = ? WHERE id = ?'),
      delete: db.prepare<[string]>('DELETE FROM sandboxes WHERE id = ?'),
      owe: db.prepare<[string, string]>('INSERT OR REPLACE INTO owed_network_releases (sandbox_id, data) VALUES (?, ?)'),
      owed: db.prepare<[], { sandbox_id: string; attempts: number; data: string }>('SELECT sandbox_id, attempts, data FROM owed_network_releases'),
      owedTried: db.prepare<[string]>('UPDATE owed_network_releases SET attempts = attempts + 1 WHERE sandbox_id = ?'),
      owedDone: db.prepare<[string]>('DELETE FROM owed_network_releases WHERE sandbox_id = ?'),
    };
    this.deleteOwing = db.transaction((id: string, owed: OwedRelease) => {
      this.q.owe.run(id, JSON.stringify(owed));
      this.q.delete.run(id);
      this.decoded.forget(id);
    });
  }

  private record(row: Row): SandboxRecord {
    const data = this.decoded.decode(row.id, row.data);
    return { ...data, id: row.id, state: row.state, createdAt: row.created_at };
  }

  /** Inserts a new sandbox; a taken (name, namespace, uid, attempt) is ALREADY_EXISTS. */
  insert(rec: SandboxRecord): void {
    const { id, state, createdAt, ...data } = rec;
    try {
      this.q.insert.run({
        id,
        name: rec.spec.name,
        namespace: rec.spec.namespace,
        uid: rec.spec.uid,
        attempt: rec.spec.attempt,
        state,
        created_at: createdAt,
        data: JSON.stringify(data),
      });
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE')
        throw alreadyExists(
          `a sandbox named ${rec.spec.name} in namespace ${rec.spec.namespace} (uid ${rec.spec.uid}, attempt ${rec.spec.attempt}) exists already`,
        );
      throw err;
    }
  }

  get(id: string): SandboxRecord | undefined {
    const row = this.q.get.get(id);
    return row && this.record(row);
  }

  /** Every row, read again only after a write (see ListedRows); each record is the caller's own. */
  list(): SandboxRecord[] {
    return this.listed.list(this.q.changes.get()!, () => this.q.all.all());
  }

  idsByPrefix(prefix: string): string[] {
    return this.q.byPrefix.all(prefix, prefix).map((r) => r.id);
  }

  save(rec: SandboxRecord): void {
    const { id, state, createdAt: _c, ...data } = rec;
    void _c;
    this.q.update.run(state, JSON.stringify(data), id);
  }

  delete(id: string): void {
    this.q.delete.run(id);
    this.decoded.forget(id);
  }

  /** Deletes the sandbox and records, in the same transaction, the network release still owed for it. */
  readonly deleteOwing: (id: string, owed: OwedRelease) => void;

  owedReleases(): { sandboxId: string; attempts: number; owed: OwedRelease }[] {
    return this.q.owed.all().map((r) => ({ sandboxId: r.sandbox_id, attempts: r.attempts, owed: JSON.parse(r.data) as OwedRelease }));
  }

  releaseTried(sandboxId: string): void {
    this.q.owedTried.run(sandboxId);
  }

  releaseDone(sandboxId: string): void {
    this.q.owedDone.run(sandboxId);
  }
}
