import type { Db } from './db.js';
import { withSandboxDefaults, type SandboxSpec } from '../sandbox/spec.js';
import { withContainerDefaults, type ContainerSpec } from '../container/spec.js';

// Each entry moves the schema one version up; never edit a released entry,
// append a new one. Timestamps are nanoseconds since the epoch as decimal
// text, since they do not fit a JS number.
//
// The JSON in the `data` columns is part of the schema: a change to its
// shape (a field renamed, or one readers need) comes with an entry here
// that rewrites the stored rows, so recovery only ever reads the shape of
// the schema version it runs with, whatever berthd wrote them.
export type Migration = string | ((db: Db) => void);

/** Rewrites the `spec` inside every row's `data` JSON of a table. */
function rewriteSpecs<T>(db: Db, table: 'sandboxes' | 'containers', upgrade: (spec: T) => T): void {
  const rows = db.prepare<[], { id: string; data: string }>(`SELECT id, data FROM ${table}`).all();
  const update = db.prepare<[string, string]>(`UPDATE ${table} SET data = ? WHERE id = ?`);
  for (const row of rows) {
    const data = JSON.parse(row.data) as { spec: T };
    update.run(JSON.stringify({ ...data, spec: upgrade(data.spec) }), row.id);
  }
}

export const MIGRATIONS: Migration[] = [
  `
  CREATE TABLE images (
    id TEXT PRIMARY KEY,              -- config digest sha256:...
    manifest_digest TEXT NOT NULL,
    size INTEGER NOT NULL,
    config TEXT NOT NULL,             -- JSON ImageConfig
    layers TEXT NOT NULL,             -- JSON LayerRecord[]
    created_at TEXT NOT NULL
  );
  CREATE TABLE image_refs (
    ref TEXT PRIMARY KEY,             -- normalised name:tag or name@sha256:...
    kind TEXT NOT NULL CHECK (kind IN ('tag', 'digest')),
    image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE
  );
  CREATE INDEX image_refs_by_image ON image_refs(image_id);

  CREATE TABLE sandboxes (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    namespace TEXT NOT NULL,
    uid TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,               -- JSON SandboxData
    UNIQUE (name, namespace, uid, attempt)
  );

  CREATE TABLE containers (
    id TEXT PRIMARY KEY,
    sandbox_id TEXT NOT NULL REFERENCES sandboxes(id),
    name TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT NOT NULL DEFAULT '0',
    finished_at TEXT NOT NULL DEFAULT '0',
    exit_code INTEGER NOT NULL DEFAULT 0,
    reason TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL DEFAULT '',
    data TEXT NOT NULL,               -- JSON ContainerData
    UNIQUE (sandbox_id, name, attempt)
  );
  CREATE INDEX containers_by_sandbox ON containers(sandbox_id);
  `,
  `
  -- A pod removed while its CNI DEL failed: berthd owes the release.
  CREATE TABLE owed_network_releases (
    sandbox_id TEXT PRIMARY KEY,
    attempts INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL                -- JSON OwedRelease
  );
  `,
  // Specs take the CRI v1 shape: the fields v1 added, with the values that
  // keep what the seed-only berthd did.
  (db) => {
    rewriteSpecs<SandboxSpec>(db, 'sandboxes', withSandboxDefaults);
    rewriteSpecs<ContainerSpec>(db, 'containers', withContainerDefaults);
  },
];
