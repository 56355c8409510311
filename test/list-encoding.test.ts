import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { openDatabase, type Db } from '../src/store/db.js';
import { ContainerStore } from '../src/store/container-store.js';
import { SandboxStore } from '../src/store/sandbox-store.js';
import { loadProtos } from '../src/api/grpc/proto.js';
import { encodeListsOnce, ListedMessages } from '../src/api/grpc/list-encoding.js';
import { toV1Container } from '../src/api/cri-v1/container-messages.js';
import { toV1PodSandbox } from '../src/api/cri-v1/sandbox-messages.js';
import type { Container } from '../src/api/gen/v1/runtime/v1/Container.js';

const POD = 'a'.repeat(64);
const ctrId = (i: number) => String(i).repeat(64);

/** A state database with one pod and `n` containers, rows as berthd writes them. */
function withStore(n: number, fn: (db: Db) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'berth-listenc-'));
  const db = openDatabase(join(dir, 'berth.db'));
  try {
    const podData = { spec: { name: 'p', namespace: 'ns', uid: 'u', attempt: 0, labels: { app: 'web' }, annotations: {}, runtimeHandler: '' }, hostname: 'p', netns: '', ip: '' };
    db.prepare("INSERT INTO sandboxes (id, name, namespace, uid, attempt, state, created_at, data) VALUES (?, 'p', 'ns', 'u', 0, 'READY', '1796072251264565310', ?)").run(POD, JSON.stringify(podData));
    for (let i = 1; i <= n; i++) {
      const data = { spec: { name: `c${i}`, attempt: 0, labels: { n: String(i) }, annotations: { a: 'b' } }, image: 'registry/busybox:1', imageId: 'sha256:' + 'f'.repeat(64), layers: [], bundle: '', upper: '', logPath: '', stopSignal: 'SIGTERM', pid: 0 };
      db.prepare("INSERT INTO containers (id, sandbox_id, name, attempt, state, created_at, data) VALUES (?, ?, ?, 0, 'RUNNING', ?, ?)").run(ctrId(i), POD, `c${i}`, `179607225160474538${i}`, JSON.stringify(data));
    }
    fn(db);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The v1 RuntimeService with List encoding, and how many item entries its serializer has encoded. */
function v1Service(): { def: grpc.ServiceDefinition; plain: grpc.ServiceDefinition; encoded: () => number } {
  const plain = loadProtos().v1.RuntimeService.service;
  let count = 0;
  const counted: grpc.ServiceDefinition = {
    ...plain,
    ListContainers: {
      ...plain.ListContainers,
      responseSerialize: (v: unknown) => {
        count++;
        return plain.ListContainers.responseSerialize(v);
      },
    },
  };
  return { def: encodeListsOnce(counted, { ListContainers: 'containers', ListPodSandbox: 'items' }), plain, encoded: () => count };
}

describe('List encoding', () => {
  test('a List answer is the bytes protobuf makes of it, each item encoded once while it is unchanged', () => {
    withStore(3, (db) => {
      const store = new ContainerStore(db);
      const { def, plain, encoded } = v1Service();
      const messages = new ListedMessages((c: Parameters<typeof toV1Container>[0], ref: string) => toV1Container(c, () => ref));
      const list = () => store.list().map((c) => messages.of(c, 'registry/busybox@sha256:' + 'e'.repeat(64)));
      const serialize = (containers: Container[]) => def.ListContainers.responseSerialize({ containers });

      const first = list();
      const bytes = serialize(first);
      assert.deepEqual(bytes, plain.ListContainers.responseSerialize({ containers: structuredClone(first) }), 'the same bytes as protobuf encodes the answer in one go');
      const decoded = plain.ListContainers.responseDeserialize(bytes) as { containers: Container[] };
      assert.deepEqual(
        decoded.containers.map((c) => [c.id, c.metadata?.name, c.state, c.created_at, c.labels?.n, c.image_ref]),
        [1, 2, 3].map((i) => [ctrId(i), `c${i}`, 'CONTAINER_RUNNING', `179607225160474538${i}`, String(i), 'registry/busybox@sha256:' + 'e'.repeat(64)]),
      );
      assert.equal(encoded(), 3, 'one entry per item');

      const again = list();
      assert.ok(again.every((m, i) => m === first[i]), 'unchanged records give the same messages');
      assert.deepEqual(serialize(again), bytes);
      assert.equal(encoded(), 3, 'and their entries are not encoded again');
      const swapped = plain.ListContainers.responseDeserialize(serialize([first[1], first[0], first[2]])) as { containers: Container[] };
      assert.deepEqual(swapped.containers.map((c) => c.id), [ctrId(2), ctrId(1), ctrId(3)], 'the same items in another order');
      assert.deepEqual(serialize(first.slice(0, 2)).length < bytes.length, true, 'fewer items');

      assert.throws(() => {
        (first[0].metadata as { name: string }).name = 'changed';
      }, TypeError, 'a kept message is frozen all the way down');

      // A state change that leaves the row's JSON as it was: the spec object is the same, the state column is not.
      const rec = store.get(ctrId(2))!;
      store.save(rec);
      const before = list();
      store.save({ ...rec, state: 'EXITED', exitCode: 3 });
      const after = list();
      assert.equal(store.list()[1].spec, store.list()[1].spec, 'the row decoded once (the memo is keyed by it)');
      assert.equal(after[0], before[0]);
      assert.equal(after[2], before[2]);
      assert.notEqual(after[1], before[1]);
      const n = encoded();
      const states = (plain.ListContainers.responseDeserialize(serialize(after)) as { containers: Container[] }).containers.map((c) => c.state);
      assert.deepEqual(states, ['CONTAINER_RUNNING', 'CONTAINER_EXITED', 'CONTAINER_RUNNING']);
      assert.equal(encoded(), n + 1, 'only the changed item is encoded again');

      const otherRef = store.list().map((c) => messages.of(c, 'registry/busybox@sha256:' + 'd'.repeat(64)));
      assert.ok(otherRef.every((m, i) => m !== after[i] && m.image_ref === 'registry/busybox@sha256:' + 'd'.repeat(64)), 'a changed image ref makes the messages again');
    });
  });

  test('items that are not frozen are encoded on every call, and pods list through the same path', () => {
    withStore(1, (db) => {
      const { def, plain, encoded } = v1Service();
      const c = toV1Container(new ContainerStore(db).list()[0], (id) => id);
      def.ListContainers.responseSerialize({ containers: [c] });
      c.state = 'CONTAINER_EXITED';
      const decoded = plain.ListContainers.responseDeserialize(def.ListContainers.responseSerialize({ containers: [c] })) as { containers: Container[] };
      assert.equal(decoded.containers[0].state, 'CONTAINER_EXITED');
      assert.equal(encoded(), 2);

      const pods = new ListedMessages(toV1PodSandbox);
      const items = new SandboxStore(db).list().map((s) => pods.of(s, undefined));
      const bytes = def.ListPodSandbox.responseSerialize({ items });
      assert.deepEqual(bytes, plain.ListPodSandbox.responseSerialize({ items: structuredClone(items) }));
      assert.deepEqual(def.ListPodSandbox.responseSerialize({ items: [] }), plain.ListPodSandbox.responseSerialize({ items: [] }), 'an empty list');
    });
  });
});
