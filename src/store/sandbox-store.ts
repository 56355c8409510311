import type { Db } from './db.js';
import { alreadyExists } from '../errors.js';
import { withSandboxDefaults, type SandboxSpec } from '../sandbox/spec.js';
import type { ConfList, NetworkState } from '../network/cni.js';

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

interface Row {
  id: string;
  state: SandboxState;
  created_at: string;
  data: string;
}

export class SandboxStore {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      insert: db.prepare(
        'INSERT INTO sandboxes (id, name, namespace, uid, attempt, state, created_at, data) VALUES (@id, @name, @namespace, @uid, @attempt, @state, @created_at, @data)',
      ),
      get: db.prepare<[string], Row>('SELECT id, state, created_at, data FROM sandboxes WHERE id = ?'),
      all: db.prepare<[], Row>('SELECT id, state, created_at, data FROM sandboxes ORDER BY created_at'),
      byPrefix: db.prepare<[string, string], { id: string }>("SELECT id FROM sandboxes WHERE id >= ? AND id < ? || 'g' LIMIT 2"),
      update: db.prepare<[string, string, string]>('UPDATE sandboxes SET state = ?, data = ? WHERE id = ?'),
      delete: db.prepare<[string]>('DELETE FROM sandboxes WHERE id = ?'),
    };
  }

  private record(row: Row): SandboxRecord {
    const data = JSON.parse(row.data) as SandboxData;
    return { ...data, spec: withSandboxDefaults(data.spec), id: row.id, state: row.state, createdAt: row.created_at };
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

  list(): SandboxRecord[] {
    return this.q.all.all().map((r) => this.record(r));
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
  }
}
