import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../src/store/db.js';
import { MIGRATIONS } from '../src/store/migrations.js';
import { SandboxStore } from '../src/store/sandbox-store.js';
import { ContainerStore } from '../src/store/container-store.js';
import { ImageStore } from '../src/store/image-store.js';

const ID_POD = 'a'.repeat(64);
const ID_CTR = 'b'.repeat(64);

/** Rows as the seed-only berthd (schema v1) wrote them. */
function seedEraDatabase(path: string): void {
  const db = new Database(path);
  db.exec(MIGRATIONS[0] as string);
  db.pragma('user_version = 1');
  const pod = {
    spec: { name: 'old', namespace: 'ns', uid: 'u', attempt: 0, hostname: '', logDirectory: '', dns: { servers: ['10.0.0.53'], searches: [] }, portMappings: [], labels: { a: 'b' }, annotations: {}, cgroupParent: '', hostNetwork: false, hostPid: false, hostIpc: false },
    hostname: 'old',
    netns: '',
    ip: '10.1.0.2',
  };
  db.prepare("INSERT INTO sandboxes (id, name, namespace, uid, attempt, state, created_at, data) VALUES (?, 'old', 'ns', 'u', 0, 'NOTREADY', '1', ?)").run(ID_POD, JSON.stringify(pod));
  const ctr = {
    spec: {
      name: 'c', attempt: 0, image: 'busybox', command: ['sh'], args: [], workingDir: '', envs: [], labels: {}, annotations: {}, privileged: false, readonlyRootfs: false,
      logPath: '', stdin: false, stdinOnce: false, tty: false, capAdd: [], capDrop: [], additionalGids: [],
      mounts: [{ containerPath: '/data', hostPath: '/tmp', readonly: true, selinuxRelabel: false }],
      resources: { cpuPeriod: 0, cpuQuota: 0, cpuShares: 0, memoryLimit: 0, oomScoreAdj: undefined },
      user: { uid: 1000, gid: 1000, additionalGids: [] },
    },
    image: 'busybox', imageId: 'sha256:' + 'c'.repeat(64), layers: [], bundle: '/nonexistent', upper: '/nonexistent', logPath: '', stopSignal: 'SIGTERM', pid: 0,
  };
  db.prepare("INSERT INTO containers (id, sandbox_id, name, attempt, state, created_at, data) VALUES (?, ?, 'c', 0, 'EXITED', '2', ?)").run(ID_CTR, ID_POD, JSON.stringify(ctr));
  db.close();
}

/** Runs `fn` on a seed-era database opened (and so migrated) in a temp dir, which is removed after. */
function withSeedEraDb(fn: (db: ReturnType<typeof openDatabase>) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
  try {
    const path = join(dir, 'berth.db');
    seedEraDatabase(path);
    const db = openDatabase(path);
    try {
      fn(db);
    } finally {
      db.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('state database', () => {
  test('rows an older berthd wrote are rewritten to this schema version at open, not patched on every read', () => {
    withSeedEraDb((db) => {
      assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
      const raw = (table: string) => JSON.parse(db.prepare<[], { data: string }>(`SELECT data FROM ${table}`).get()!.data) as { spec: Record<string, unknown> };
      const podSpec = raw('sandboxes').spec;
      assert.deepEqual(podSpec.dns, { servers: ['10.0.0.53'], searches: [], options: [] });
      assert.equal(podSpec.runtimeHandler, '');
      assert.ok(podSpec.security, 'the pod security context the seed implied is stored');
      const ctrSpec = raw('containers').spec;
      assert.deepEqual(ctrSpec.seccomp, { kind: 'runtimeDefault', localhostRef: '' }, 'the seed ran every container with the default profile');
      assert.deepEqual(ctrSpec.user, { uid: 1000, gid: 1000 });
      assert.equal((ctrSpec.mounts as { propagation: string }[])[0].propagation, 'private');
      const pod = new SandboxStore(db).get(ID_POD)!;
      assert.equal(pod.spec.labels.a, 'b');
      const ctr = new ContainerStore(db).get(ID_CTR)!;
      assert.equal(ctr.spec.supplementalGroupsPolicy, 'merge');
    });
  });

  test("a List's records are the store's own, frozen and the same until a write; an image's first digest follows its references' writes", () => {
    withSeedEraDb((db) => {
      const containers = new ContainerStore(db);
      const first = containers.listShared();
      assert.equal(containers.listShared(), first, 'no write: the same records');
      assert.ok(Object.isFrozen(first) && Object.isFrozen(first[0]));
      const own = containers.list()[0];
      own.state = 'RUNNING';
      assert.equal(containers.listShared()[0].state, 'EXITED', "a caller's copy is its own");
      containers.save({ ...first[0], exitCode: 3 });
      const after = containers.listShared();
      assert.notEqual(after, first);
      assert.equal(after[0].exitCode, 3);

      const images = new ImageStore(db);
      const id = 'sha256:' + 'c'.repeat(64);
      const img = { id, manifestDigest: 'sha256:' + 'd'.repeat(64), size: 1, config: {}, layers: [], createdAt: '1' };
      assert.equal(images.firstRepoDigest(id), undefined);
      images.save(img, [{ ref: 'r/x:1', kind: 'tag' }, { ref: 'r/x@sha256:' + 'd'.repeat(64), kind: 'digest' }]);
      assert.equal(images.firstRepoDigest(id), 'r/x@sha256:' + 'd'.repeat(64));
      images.save(img, [{ ref: 'a/x@sha256:' + 'd'.repeat(64), kind: 'digest' }]);
      assert.equal(images.firstRepoDigest(id), 'a/x@sha256:' + 'd'.repeat(64), 'the first in order, as repoDigests[0]');
      assert.equal(images.firstRepoDigest(id), images.get(id)!.repoDigests[0]);
      assert.equal(images.removeTag('r/x:1'), true);
      assert.equal(images.firstRepoDigest(id), undefined, 'the image is gone with its last tag');
    });
  });

  test('a database from a newer berthd is refused with the versions named', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
    try {
      const path = join(dir, 'berth.db');
      const db = new Database(path);
      db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
      db.close();
      assert.throws(() => openDatabase(path), new RegExp(`schema v${MIGRATIONS.length + 1} is newer than this berthd \\(v${MIGRATIONS.length}\\)`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
