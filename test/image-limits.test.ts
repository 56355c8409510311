import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';
import { PodFixture } from './helpers/pod.js';
import { busyboxLayer, buildImage, layerTar, pushBlob, pushImage, pushManifest, type BuiltImage } from './helpers/images.js';
import { sha256 } from './helpers/registry.js';
import { startProxy } from './helpers/proxy.js';

const code = (c: grpc.status, message?: RegExp) => (err: grpc.ServiceError) => {
  assert.equal(err.code, c, `${grpc.status[err.code]}: ${err.details}`);
  if (message) assert.match(err.details, message);
  return true;
};

function layerDirs(d: TestDaemon): string[] {
  return readdirSync(join(d.root, 'layers/sha256')).sort();
}

/** chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln)), as stores before diff-id keys named layer dirs. */
function chainIds(diffIds: string[]): string[] {
  const out: string[] = [];
  for (const d of diffIds) {
    const prev = out[out.length - 1];
    out.push(prev ? `sha256:${createHash('sha256').update(`${prev} ${d}`).digest('hex')}` : d);
  }
  return out;
}

function diffIdsOf(img: BuiltImage): string[] {
  return (JSON.parse(img.config.toString()) as { rootfs: { diff_ids: string[] } }).rootfs.diff_ids;
}

/** A loopback HTTP server playing a registry that misbehaves as `handle` says. */
async function fakeRegistry(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<{ host: string; close(): Promise<void> }> {
  const server = http.createServer(handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    host: `127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('what a registry sends is bounded', () => {
  let f: PodFixture;
  before(async () => {
    f = await PodFixture.start('10.123.41.0/24');
  });
  after(() => f?.dispose());

  test('a manifest over 4 MiB is refused, whether its size is announced or not', async () => {
    const big = Buffer.alloc(5 << 20, 0x20);
    let sent = 0;
    const fake = await fakeRegistry((req, res) => {
      const announced = req.url!.endsWith('/announced');
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', ...(announced ? { 'content-length': String(big.length) } : {}) });
      const write = () => {
        while (sent < big.length && !res.destroyed) {
          sent += 64 * 1024;
          if (!res.write(big.subarray(sent - 64 * 1024, sent))) return void res.once('drain', write);
        }
        res.end();
      };
      write();
    });
    try {
      for (const tag of ['announced', 'streamed']) {
        sent = 0;
        await assert.rejects(
          f.d.img('PullImage', { image: { image: `${fake.host}/big/manifest:${tag}` } }),
          code(grpc.status.FAILED_PRECONDITION, /more than the 4 MiB berth accepts/),
        );
      }
    } finally {
      await fake.close();
    }
  });

  test('an index entry over 4 MiB and a config over 8 MiB are refused before they are downloaded', async () => {
    const entryDigest = sha256('never fetched');
    const requested: string[] = [];
    const fake = await fakeRegistry((req, res) => {
      requested.push(req.url!);
      const index = JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.index.v1+json',
        manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: entryDigest, size: 5 << 20, platform: { os: 'linux', architecture: 'amd64' } }],
      });
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.index.v1+json' }).end(index);
    });
    try {
      await assert.rejects(
        f.d.img('PullImage', { image: { image: `${fake.host}/big/index:1` } }),
        code(grpc.status.FAILED_PRECONDITION, /manifest .* is 5242880 bytes, more than the 4 MiB/),
      );
      assert.ok(!requested.some((u) => u.includes(entryDigest)), `the entry was never requested: ${requested.join(' ')}`);
    } finally {
      await fake.close();
    }

    const img = buildImage({ layers: [{ tar: await layerTar([{ name: 'x', content: 'x' }]) }], config: { Labels: { big: 'b'.repeat(9 << 20) } } });
    await pushImage(f.reg, 'big/config', '1', img);
    const proxy = await startProxy(f.reg.url);
    try {
      await assert.rejects(
        f.d.img('PullImage', { image: { image: `${proxy.host}/big/config:1` } }),
        code(grpc.status.FAILED_PRECONDITION, /image config .* is \d+ bytes, more than the 8 MiB/),
      );
      assert.equal(proxy.gets.get(`/v2/big/config/blobs/${img.configDigest}`) ?? 0, 0, 'the config blob was never requested');
    } finally {
      await proxy.close();
    }
    assert.deepEqual((await f.d.img<{ images: unknown[] }>('ListImages', { filter: { image: { image: `${f.reg.host}/big/config:1` } } })).images, []);
  });

  test('an image of 128 layers is refused at pull, naming the count', async () => {
    const layer = buildImage({ layers: [{ tar: await layerTar([{ name: 'one', content: '1' }]) }] });
    const blob = layer.blobs[1];
    const diffId = diffIdsOf(layer)[0];
    const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: Array(128).fill(diffId) } }));
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
        config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
        layers: Array(128).fill({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', digest: sha256(blob), size: blob.length }),
      }),
    );
    await pushBlob(f.reg, 'many/layers', blob);
    await pushBlob(f.reg, 'many/layers', config);
    await pushManifest(f.reg, 'many/layers', '128', manifest, 'application/vnd.docker.distribution.manifest.v2+json');
    const before = layerDirs(f.d);
    await assert.rejects(
      f.d.img('PullImage', { image: { image: `${f.reg.host}/many/layers:128` } }),
      code(grpc.status.FAILED_PRECONDITION, /image has 128 layers, more than the 127/),
    );
    assert.deepEqual(layerDirs(f.d), before);
  });

  test('an image of 127 layers pulls, and its container sees the bottom and top layers', async () => {
    const layers = [{ tar: await busyboxLayer([{ name: 'etc/bottom', content: 'bottom\n' }]) }];
    for (let i = 1; i <= 125; i++) layers.push({ tar: await layerTar([{ name: `m/${i}`, content: String(i) }]) });
    layers.push({ tar: await layerTar([{ name: 'etc/top', content: 'top\n' }]) });
    const img = buildImage({ layers });
    await pushImage(f.reg, 'many/layers', '127', img);
    const ref = `${f.reg.host}/many/layers:127`;
    await f.d.img('PullImage', { image: { image: ref } });
    const pod = await f.pod('layers127');
    const saved = f.image;
    f.image = ref;
    try {
      const { out, st } = await f.output(pod, 'layers127', { metadata: { name: 'deep' }, command: ['sh', '-c', 'cat /etc/bottom /etc/top; ls /m | wc -l'] });
      assert.equal(st.exit_code, 0, out);
      assert.deepEqual(out.split('\n').map((l) => l.trim()), ['bottom', 'top', '125']);
    } finally {
      f.image = saved;
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pod });
      await f.d.img('RemoveImage', { image: { image: ref } });
    }
  });

  test('a layer repeated at six positions is unpacked once, and the topmost copy wins', async () => {
    const a = await layerTar([{ name: 'x', content: 'a' }, { name: 'zeros', content: Buffer.alloc(8 << 20) }]);
    const b = await layerTar([{ name: 'x', content: 'b' }]);
    const img = buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: a }, { tar: b }, { tar: a }, { tar: b }, { tar: a }, { tar: b }, { tar: a }, { tar: a }, { tar: a }] });
    await pushImage(f.reg, 'repeat/layers', '1', img);
    const ref = `${f.reg.host}/repeat/layers:1`;
    const before = layerDirs(f.d);
    await f.d.img('PullImage', { image: { image: ref } });
    const added = layerDirs(f.d).filter((l) => !before.includes(l));
    const unique = [...new Set(diffIdsOf(img))].map((d) => d.slice(7)).filter((d) => !before.includes(d));
    assert.deepEqual(added, unique.sort(), 'one directory per distinct layer');
    const pod = await f.pod('repeat');
    const saved = f.image;
    f.image = ref;
    try {
      const { out, st } = await f.output(pod, 'repeat', { metadata: { name: 'rep' }, command: ['cat', '/x'] });
      assert.equal(st.exit_code, 0, out);
      assert.equal(out.trim(), 'a');
    } finally {
      f.image = saved;
      await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pod });
      await f.d.img('RemoveImage', { image: { image: ref } });
    }
  });

  test('a store whose layers are keyed by chain id is moved to diff ids at start; a container keeps its layers', async () => {
    const img = buildImage({
      layers: [{ tar: await busyboxLayer([{ name: 'etc/bottom', content: 'bottom\n' }]) }, { tar: await layerTar([{ name: 'etc/upper', content: 'upper\n' }]) }],
    });
    await pushImage(f.reg, 'old/store', '1', img);
    const ref = `${f.reg.host}/old/store:1`;
    await f.d.img('PullImage', { image: { image: ref } });
    const pod = await f.pod('oldstore');
    const ctr = (
      await f.d.rt<{ container_id: string }>('CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'old' }, image: { image: ref }, command: ['cat', '/etc/bottom', '/etc/upper'], log_path: 'old.log' },
      })
    ).container_id;
    const diffs = diffIdsOf(img);
    const chains = chainIds(diffs);
    assert.notEqual(chains[1], diffs[1]);
    // As a store from before diff-id keys has it: directories and container records by chain id.
    await f.d.stop();
    const dir = (k: string) => join(f.d.root, 'layers/sha256', k.slice(7));
    renameSync(dir(diffs[1]), dir(chains[1]));
    const db = new Database(join(f.d.root, 'berth.db'));
    const row = db.prepare<[string], { data: string }>('SELECT data FROM containers WHERE id = ?').get(ctr)!;
    const data = JSON.parse(row.data) as { layers: string[] };
    assert.deepEqual(data.layers, diffs);
    db.prepare('UPDATE containers SET data = ? WHERE id = ?').run(JSON.stringify({ ...data, layers: chains }), ctr);
    db.close();
    f.d = await startDaemon({ dirs: { base: f.d.base }, args: f.net.args });
    assert.ok(existsSync(dir(diffs[1])) && !existsSync(dir(chains[1])), 'the chain-keyed directory was renamed');
    // The image goes; the container's layers must stay for it.
    await f.d.img('RemoveImage', { image: { image: ref } });
    assert.ok(existsSync(dir(diffs[0])) && existsSync(dir(diffs[1])), 'layers a container uses are kept');
    await f.d.rt('StartContainer', { container_id: ctr });
    const st = await f.waitExited(ctr);
    assert.equal(st.exit_code, 0);
    assert.equal(f.logText('oldstore', 'old.log'), 'bottom\nupper');
    await f.d.rt('RemovePodSandbox', { pod_sandbox_id: pod });
    assert.ok(!existsSync(dir(diffs[1])), 'collected once the container is gone');
  });

  test('stored images that cannot be read, or are larger than a pull writes, are dropped at start and berthd serves', async () => {
    const imgs = await Promise.all(
      ['good', 'corrupt', 'huge'].map(async (name) => {
        const img = buildImage({ layers: [{ tar: await layerTar([{ name, content: name }]) }] });
        await pushImage(f.reg, `stored/${name}`, '1', img);
        await f.d.img('PullImage', { image: { image: `${f.reg.host}/stored/${name}:1` } });
        return img;
      }),
    );
    await f.d.stop();
    const db = new Database(join(f.d.root, 'berth.db'));
    db.prepare('UPDATE images SET config = ? WHERE id = ?').run('{"Env": [', imgs[1].configDigest);
    // What a berthd without a config limit saved from a 20 MiB config.
    db.prepare('UPDATE images SET config = ? WHERE id = ?').run(JSON.stringify({ Env: [`X=${'x'.repeat(20 << 20)}`] }), imgs[2].configDigest);
    db.close();
    f.d = await startDaemon({ dirs: { base: f.d.base }, args: [...f.net.args, '--log-level', 'error'] });
    const t0 = performance.now();
    const { images } = await f.d.img<{ images: { id: string }[] }>('ListImages', {});
    const listMs = performance.now() - t0;
    const ids = images.map((i) => i.id);
    assert.ok(ids.includes(imgs[0].configDigest));
    assert.ok(!ids.includes(imgs[1].configDigest) && !ids.includes(imgs[2].configDigest));
    assert.ok(listMs < 1000, `ListImages took ${listMs} ms`);
    assert.equal(f.d.stderr.match(/stored image dropped/g)?.length, 2, f.d.stderr);
    const blobs = readdirSync(join(f.d.root, 'content/blobs/sha256'));
    assert.ok(!blobs.includes(imgs[1].configDigest.slice(7)) && !blobs.includes(imgs[2].configDigest.slice(7)), 'their blobs were collected');
    await f.d.img('PullImage', { image: { image: `${f.reg.host}/stored/huge:1` } });
  });
});

describe('a registry that stalls', () => {
  test('a pull with no progress fails UNAVAILABLE after image_pull_progress_timeout, and frees the pulls that joined it', async () => {
    let requests = 0;
    let closed = 0;
    const fake = await fakeRegistry((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'content-length': '1000' });
      res.write('{');
      const trickle = setInterval(() => res.write(' '), 200);
      res.once('close', () => {
        clearInterval(trickle);
        closed++;
      });
    });
    const d = await startDaemon({ args: ['--image-pull-progress-timeout', '1500ms'] });
    try {
      const image = { image: `${fake.host}/slow/img:1` };
      const t0 = Date.now();
      const within = <T>(p: Promise<T>) =>
        Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('the pull is still running after 20 s')), 20_000))]);
      const first = within(d.img('PullImage', { image }));
      await new Promise((r) => setTimeout(r, 300));
      const joined = within(d.img('PullImage', { image }));
      for (const p of [first, joined]) await assert.rejects(p, code(grpc.status.UNAVAILABLE, /no progress from the registry for .*image_pull_progress_timeout/));
      assert.ok(Date.now() - t0 < 10_000, `failed after ${Date.now() - t0} ms`);
      assert.equal(requests, 1, 'the second pull joined the first');
      const deadline = Date.now() + 5000;
      while (closed < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(closed, 1, 'the stalled connection was closed');
      await assert.rejects(within(d.img('PullImage', { image })), code(grpc.status.UNAVAILABLE));
      assert.equal(requests, 2, 'a later pull starts afresh');
    } finally {
      await d.dispose();
      await fake.close();
    }
  });

  test('a token server that stalls fails the pull the same way', async () => {
    let port = 0;
    const fake = await fakeRegistry((req, res) => {
      if (req.url!.startsWith('/token')) {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
        res.write('{');
        const trickle = setInterval(() => res.write(' '), 200);
        res.once('close', () => clearInterval(trickle));
        return;
      }
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${port}/token",service="fake"` }).end();
    });
    port = Number(fake.host.split(':')[1]);
    const d = await startDaemon({ args: ['--image-pull-progress-timeout', '1s'] });
    try {
      const t0 = Date.now();
      await assert.rejects(
        Promise.race([
          d.img('PullImage', { image: { image: `${fake.host}/slow/token:1` } }),
          new Promise((_, reject) => setTimeout(() => reject(new Error('the pull is still running after 20 s')), 20_000)),
        ]),
        code(grpc.status.UNAVAILABLE, /no progress from the registry/),
      );
      assert.ok(Date.now() - t0 < 10_000);
    } finally {
      await d.dispose();
      await fake.close();
    }
  });

  test('image_pull_progress_timeout takes a duration; anything else stops berthd at start', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-test-'));
    try {
      await assert.rejects(startDaemon({ dirs: { base }, args: ['--image-pull-progress-timeout', '5 minutes'] }), /image_pull_progress_timeout/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
    const d = await startDaemon({ config: 'image_pull_progress_timeout = "0"\n' });
    await d.dispose();
  });
});
