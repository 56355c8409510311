import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { startDaemon, berthctl, type TestDaemon } from './helpers/daemon.js';
import { startRegistry, TOKEN_USER, TOKEN_PASSWORD, IDENTITY_TOKEN, BASIC_USER, BASIC_PASSWORD, type TestRegistry } from './helpers/registry.js';
import { busyboxLayer, buildImage, layerTar, pushImage, pushIndex, type BuiltImage } from './helpers/images.js';
import { startProxy } from './helpers/proxy.js';

interface Img {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
}

const code = (c: grpc.status) => (err: grpc.ServiceError) => {
  assert.equal(err.code, c, `${grpc.status[err.code]}: ${err.details}`);
  return true;
};

function blobsOf(d: TestDaemon): string[] {
  return readdirSync(join(d.root, 'content/blobs/sha256')).sort();
}
function layersOf(d: TestDaemon): string[] {
  return readdirSync(join(d.root, 'layers/sha256')).sort();
}
function noTemp(d: TestDaemon): void {
  assert.deepEqual(readdirSync(join(d.root, 'content/tmp')), []);
  assert.deepEqual(readdirSync(join(d.root, 'layers/tmp')), []);
}

async function pull(d: TestDaemon, image: string, auth?: object): Promise<Img> {
  await d.img('PullImage', { image: { image }, auth });
  const st = await d.img<{ image: Img | null }>('ImageStatus', { image: { image } });
  assert.ok(st.image, `${image} present after pull`);
  return st.image;
}

describe('images from a registry without auth', () => {
  let reg: TestRegistry;
  let d: TestDaemon;
  let base: BuiltImage;
  before(async () => {
    reg = await startRegistry('none');
    d = await startDaemon();
    base = buildImage({
      layers: [
        { tar: await busyboxLayer() },
        { tar: await layerTar([{ name: 'etc/zstd-layer', content: 'z' }]), compression: 'zstd' },
        { tar: await layerTar([{ name: 'etc/plain-layer', content: 'p' }]), compression: 'none' },
      ],
      config: { Entrypoint: ['/bin/sh'], Cmd: ['-c', 'echo hi'], WorkingDir: '/tmp', User: '1234', StopSignal: 'SIGINT' },
    });
    await pushImage(reg, 'test/busybox', '1', base);
  });
  after(async () => {
    await d.dispose();
    await reg.stop();
  });

  test('pull by tag: status fields, layers unpacked with gzip, zstd and plain tar', async () => {
    const ref = `${reg.host}/test/busybox:1`;
    const img = await pull(d, ref);
    assert.equal(img.id, base.configDigest);
    assert.deepEqual(img.repo_tags, [ref]);
    assert.deepEqual(img.repo_digests, [`${reg.host}/test/busybox@${base.manifestDigest}`]);
    assert.ok(Number(img.size) > 1_000_000);
    assert.equal(layersOf(d).length, 3);
    const files = layersOf(d).flatMap((l) => readdirSync(join(d.root, 'layers/sha256', l, 'diff', 'etc')).map(String));
    for (const f of ['passwd', 'zstd-layer', 'plain-layer']) assert.ok(files.includes(f), f);
    const bb = layersOf(d).map((l) => join(d.root, 'layers/sha256', l, 'diff/bin/busybox')).find(existsSync);
    assert.ok(bb && readFileSync(bb).equals(readFileSync('/usr/bin/busybox')));
    noTemp(d);
  });

  test('once a pull ends, berthd keeps no layer unpack thread (each is a whole isolate)', async () => {
    const threads = () => Number(/^Threads:\s+(\d+)$/m.exec(readFileSync(`/proc/${d.proc.pid}/status`, 'utf8'))![1]);
    const img = buildImage({
      layers: [{ tar: await layerTar([{ name: 'a', content: randomBytes(64) }]) }, { tar: await layerTar([{ name: 'b', content: randomBytes(64) }]) }],
    });
    await pushImage(reg, 'test/threads', '1', img);
    const before = threads();
    const layers = layersOf(d).length;
    const ref = `${reg.host}/test/threads:1`;
    await pull(d, ref);
    assert.equal(layersOf(d).length, layers + 2, 'both layers unpacked, in worker threads');
    // A terminated worker's thread is gone a moment after the answer.
    const deadline = Date.now() + 1000;
    while (threads() > before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(threads(), before);
    await d.img('RemoveImage', { image: { image: ref } });
    assert.equal(layersOf(d).length, layers);
  });

  test('ImageStatus by id, id prefix, digest reference; absent image has no image field', async () => {
    const byId = await d.img<{ image: Img }>('ImageStatus', { image: { image: base.configDigest } });
    assert.equal(byId.image.id, base.configDigest);
    const byPrefix = await d.img<{ image: Img }>('ImageStatus', { image: { image: base.configDigest.slice(7, 19) } });
    assert.equal(byPrefix.image.id, base.configDigest);
    const byDigest = await d.img<{ image: Img }>('ImageStatus', { image: { image: `${reg.host}/test/busybox@${base.manifestDigest}` } });
    assert.equal(byDigest.image.id, base.configDigest);
    const absent = await d.img<{ image: Img | null }>('ImageStatus', { image: { image: `${reg.host}/test/nothing:1` } });
    assert.equal(absent.image ?? null, null);
  });

  test('invalid references are INVALID_ARGUMENT with the reason', async () => {
    for (const bad of ['busybox/UPPER:1', 'Upper:1', 'a:b:c', 'x@sha256:123', 'name:' + 'x'.repeat(200), '']) {
      await assert.rejects(d.img('PullImage', { image: { image: bad } }), code(grpc.status.INVALID_ARGUMENT));
      await assert.rejects(d.img('ImageStatus', { image: { image: bad } }), code(grpc.status.INVALID_ARGUMENT));
    }
    await assert.rejects(d.img('PullImage', { image: { image: 'a'.repeat(5000) } }), code(grpc.status.INVALID_ARGUMENT));
  });

  test('unknown repository or tag is NOT_FOUND, a registry that is down UNAVAILABLE', async () => {
    await assert.rejects(d.img('PullImage', { image: { image: `${reg.host}/test/busybox:nope` } }), (err: grpc.ServiceError) => {
      assert.equal(err.code, grpc.status.NOT_FOUND);
      assert.match(err.details, new RegExp(`${reg.host}/test/busybox:nope`));
      return true;
    });
    await assert.rejects(d.img('PullImage', { image: { image: `${reg.host}/no/such:1` } }), code(grpc.status.NOT_FOUND));
    await assert.rejects(d.img('PullImage', { image: { image: '127.0.0.1:1/x/y:1' } }), (err: grpc.ServiceError) => {
      assert.equal(err.code, grpc.status.UNAVAILABLE);
      assert.match(err.details, /127\.0\.0\.1:1/);
      return true;
    });
  });

  test('pull by digest; ListImages with and without a filter', async () => {
    const byDigest = `${reg.host}/test/busybox@${base.manifestDigest}`;
    await d.img('PullImage', { image: { image: byDigest } });
    const all = await d.img<{ images: Img[] }>('ListImages', {});
    assert.equal(all.images.length, 1);
    const filtered = await d.img<{ images: Img[] }>('ListImages', { filter: { image: { image: `${reg.host}/test/busybox:1` } } });
    assert.equal(filtered.images.length, 1);
    const none = await d.img<{ images: Img[] }>('ListImages', { filter: { image: { image: `${reg.host}/test/other:1` } } });
    assert.equal(none.images.length, 0);
  });

  test('a multi-platform index resolves to linux/amd64', async () => {
    const amd = buildImage({ layers: [{ tar: await layerTar([{ name: 'arch', content: 'amd64' }]) }], format: 'oci' });
    const arm = buildImage({ layers: [{ tar: await layerTar([{ name: 'arch', content: 'arm64' }]) }], format: 'oci', architecture: 'arm64' });
    const indexDigest = await pushIndex(reg, 'test/multi', 'latest', [
      { img: arm, os: 'linux', architecture: 'arm64', variant: 'v8' },
      { img: amd, os: 'linux', architecture: 'amd64' },
    ]);
    const img = await pull(d, `${reg.host}/test/multi`);
    assert.equal(img.id, amd.configDigest);
    assert.deepEqual(img.repo_tags, [`${reg.host}/test/multi:latest`]);
    assert.deepEqual(img.repo_digests, [`${reg.host}/test/multi@${indexDigest}`]);
    await d.img('RemoveImage', { image: { image: img.id } });
  });

  test('a tag that moved is re-pointed; the old image keeps its digest', async () => {
    const v1 = buildImage({ layers: [{ tar: await layerTar([{ name: 'v', content: '1' }]) }] });
    const v2 = buildImage({ layers: [{ tar: await layerTar([{ name: 'v', content: '2' }]) }] });
    await pushImage(reg, 'test/moving', 'stable', v1);
    const first = await pull(d, `${reg.host}/test/moving:stable`);
    await pushImage(reg, 'test/moving', 'stable', v2);
    const second = await pull(d, `${reg.host}/test/moving:stable`);
    assert.equal(first.id, v1.configDigest);
    assert.equal(second.id, v2.configDigest);
    const old = await d.img<{ image: Img }>('ImageStatus', { image: { image: v1.configDigest } });
    assert.deepEqual(old.image.repo_tags, []);
    assert.deepEqual(old.image.repo_digests, [`${reg.host}/test/moving@${v1.manifestDigest}`]);
    await d.img('RemoveImage', { image: { image: v1.configDigest } });
    await d.img('RemoveImage', { image: { image: v2.configDigest } });
  });

  test('RemoveImage by tag keeps other tags; by id removes all and reclaims disk; gone is success', async () => {
    const blobsBefore = blobsOf(d);
    const layersBefore = layersOf(d);
    const extra = buildImage({ layers: [{ tar: await busyboxLayer() }, { tar: await layerTar([{ name: 'only-here', content: 'x' }]) }] });
    await pushImage(reg, 'test/rm', 'a', extra);
    await pushImage(reg, 'test/rm', 'b', extra);
    await pull(d, `${reg.host}/test/rm:a`);
    const both = await pull(d, `${reg.host}/test/rm:b`);
    assert.deepEqual(both.repo_tags.sort(), [`${reg.host}/test/rm:a`, `${reg.host}/test/rm:b`]);
    assert.equal(layersOf(d).length, layersBefore.length + 1, 'the busybox layer is shared, one new layer');
    await d.img('RemoveImage', { image: { image: `${reg.host}/test/rm:a` } });
    const left = await d.img<{ image: Img }>('ImageStatus', { image: { image: extra.configDigest } });
    assert.deepEqual(left.image.repo_tags, [`${reg.host}/test/rm:b`]);
    await d.img('RemoveImage', { image: { image: extra.configDigest } });
    assert.equal((await d.img<{ image: Img | null }>('ImageStatus', { image: { image: `${reg.host}/test/rm:b` } })).image ?? null, null);
    assert.deepEqual(blobsOf(d), blobsBefore, 'blobs only that image used are deleted');
    assert.deepEqual(layersOf(d), layersBefore, 'layers only that image used are deleted');
    await d.img('RemoveImage', { image: { image: extra.configDigest } });
    await d.img('RemoveImage', { image: { image: `${reg.host}/test/rm:a` } });
  });

  test('removing the last tag removes the image and its layers', async () => {
    const solo = buildImage({ layers: [{ tar: await layerTar([{ name: 'solo', content: 's' }]) }] });
    await pushImage(reg, 'test/solo', '1', solo);
    const before = blobsOf(d);
    await d.img('PullImage', { image: { image: `${reg.host}/test/solo:1` } });
    await d.img('RemoveImage', { image: { image: `${reg.host}/test/solo:1` } });
    assert.equal((await d.img<{ image: Img | null }>('ImageStatus', { image: { image: solo.configDigest } })).image ?? null, null);
    assert.deepEqual(blobsOf(d), before);
  });

  test('berthctl: pull prints progress lines, images a table, inspecti JSON, rmi removes', async () => {
    const img = buildImage({ layers: [{ tar: await layerTar([{ name: 'cli', content: 'c'.repeat(100000) }]) }] });
    await pushImage(reg, 'test/cli', '1', img);
    const ref = `${reg.host}/test/cli:1`;
    const p = await berthctl(d.socket, ['pull', ref]);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, new RegExp(`Image is up to date for ${img.configDigest}`));
    assert.match(p.stderr, /: done \(/);
    assert.match(p.stderr, /^total: .* in [\d.]+s/m);
    const t = await berthctl(d.socket, ['images']);
    assert.match(t.stdout, /^IMAGE\s+TAG\s+IMAGE ID\s+SIZE$/m);
    assert.match(t.stdout, new RegExp(`${reg.host.replace(/\./g, '\\.')}/test/cli\\s+1\\s+${img.configDigest.slice(7, 20)}`));
    const j = await berthctl(d.socket, ['inspecti', ref]);
    assert.equal(JSON.parse(j.stdout).status.id, img.configDigest);
    const r = await berthctl(d.socket, ['rmi', ref]);
    assert.equal(r.code, 0);
    const gone = await berthctl(d.socket, ['inspecti', ref]);
    assert.equal(gone.code, 1);
    const bad = await berthctl(d.socket, ['pull', `${reg.host}/test/cli:missing`]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^berthctl: NOT_FOUND: pull .*test\/cli:missing/m);
  });
});

describe('image pulls under load and faults', () => {
  let reg: TestRegistry;
  let img: BuiltImage;
  before(async () => {
    reg = await startRegistry('none');
    img = buildImage({
      layers: [
        { tar: await busyboxLayer() },
        { tar: await layerTar([{ name: 'big', content: randomBytes(3_000_000) }]) },
      ],
    });
    await pushImage(reg, 'test/load', '1', img);
    await pushImage(reg, 'test/load', '2', img);
  });
  after(() => reg.stop());

  test('concurrent pulls of one image download each blob once', async () => {
    const proxy = await startProxy(reg.url);
    const d = await startDaemon();
    try {
      await Promise.all([1, 2, 3, 4].map(() => d.img('PullImage', { image: { image: `${proxy.host}/test/load:1` } })));
      await d.img('PullImage', { image: { image: `${proxy.host}/test/load:2` } });
      const blobGets = [...proxy.gets].filter(([p]) => p.includes('/blobs/'));
      assert.equal(blobGets.length, 3, 'config and two layers');
      for (const [p, n] of blobGets) assert.equal(n, 1, `${p} fetched ${n} times`);
      const { images } = await d.img<{ images: Img[] }>('ListImages', {});
      assert.equal(images.length, 1);
      assert.equal(images[0].repo_tags.length, 2);
    } finally {
      await d.dispose();
      await proxy.close();
    }
  });

  test('a corrupt blob fails the pull and keeps nothing; the next good pull works', async () => {
    const layerDigest = JSON.parse(img.manifest.toString()).layers[1].digest as string;
    const proxy = await startProxy(reg.url, { corrupt: (p) => p.endsWith(layerDigest) });
    const d = await startDaemon();
    try {
      await assert.rejects(d.img('PullImage', { image: { image: `${proxy.host}/test/load:1` } }), (err: grpc.ServiceError) => {
        assert.equal(err.code, grpc.status.UNAVAILABLE);
        assert.match(err.details, /content has digest/);
        return true;
      });
      assert.deepEqual((await d.img<{ images: Img[] }>('ListImages', {})).images, []);
      assert.ok(!blobsOf(d).includes(layerDigest.slice(7)), 'the corrupt blob was not kept');
      noTemp(d);
      await d.img('PullImage', { image: { image: `${reg.host}/test/load:1` } });
    } finally {
      await d.dispose();
      await proxy.close();
    }
  });

  test('berthd killed mid-pull leaves no half image; the next pull succeeds', async () => {
    const layerDigest = JSON.parse(img.manifest.toString()).layers[1].digest as string;
    const proxy = await startProxy(reg.url, { slow: { match: (p) => p.endsWith(layerDigest), delayMs: 30 } });
    const d = await startDaemon();
    try {
      const pulling = d.img('PullImage', { image: { image: `${proxy.host}/test/load:1` } }).catch(() => undefined);
      const deadline = Date.now() + 10_000;
      while (!readdirSync(join(d.root, 'content/tmp')).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await d.stop('SIGKILL');
      await pulling;
      const d2 = await startDaemon({ dirs: { base: d.base } });
      try {
        assert.deepEqual((await d2.img<{ images: Img[] }>('ListImages', {})).images, []);
        noTemp(d2);
        assert.deepEqual(blobsOf(d2), [], 'unreferenced blobs from the dead pull are collected');
        assert.deepEqual(layersOf(d2), []);
        await d2.img('PullImage', { image: { image: `${reg.host}/test/load:1` } });
        assert.equal((await d2.img<{ images: Img[] }>('ListImages', {})).images.length, 1);
      } finally {
        await d2.dispose();
      }
    } finally {
      await proxy.close();
    }
  });

  test('the registry going away mid-pull is UNAVAILABLE, keeps nothing, and the pull works once it is back', async () => {
    const layerDigest = JSON.parse(img.manifest.toString()).layers[1].digest as string;
    const proxy = await startProxy(reg.url, { slow: { match: (p) => p.endsWith(layerDigest), delayMs: 30 } });
    const d = await startDaemon();
    try {
      const pulling = d.img('PullImage', { image: { image: `${proxy.host}/test/load:1` } });
      const deadline = Date.now() + 10_000;
      while (!readdirSync(join(d.root, 'content/tmp')).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await proxy.close();
      await assert.rejects(pulling, (err: grpc.ServiceError) => {
        assert.ok([grpc.status.UNAVAILABLE].includes(err.code), `${grpc.status[err.code]}: ${err.details}`);
        return true;
      });
      assert.deepEqual((await d.img<{ images: Img[] }>('ListImages', {})).images, []);
      noTemp(d);
      await d.img('PullImage', { image: { image: `${reg.host}/test/load:1` } });
    } finally {
      await d.dispose();
    }
  });

  test('a registry mirror serves docker.io names, which keep their name', async () => {
    await pushImage(reg, 'library/busybox', 'mirrored', img);
    const d = await startDaemon({ args: ['--registry-mirror', `docker.io=${reg.url}`] });
    try {
      const got = await pull(d, 'busybox:mirrored');
      assert.deepEqual(got.repo_tags, ['docker.io/library/busybox:mirrored']);
      const again = await d.img<{ image: Img }>('ImageStatus', { image: { image: 'docker.io/library/busybox:mirrored' } });
      assert.equal(again.image.id, img.configDigest);
    } finally {
      await d.dispose();
    }
  });

  test('a malicious layer pulled from a registry writes nothing outside its directory', async () => {
    const evil = buildImage({
      layers: [
        {
          tar: await layerTar([
            { name: '../../../../../../tmp/berth-escape-dotdot', content: 'x' },
            { name: 'esc', type: 'symlink', linkname: '/tmp' },
            { name: 'esc/berth-escape-symlink', content: 'x' },
          ]),
        },
      ],
    });
    await pushImage(reg, 'test/evil', '1', evil);
    const d = await startDaemon();
    try {
      await d.img('PullImage', { image: { image: `${reg.host}/test/evil:1` } });
      assert.ok(!existsSync('/tmp/berth-escape-dotdot'));
      assert.ok(!existsSync('/tmp/berth-escape-symlink'));
      const diff = join(d.root, 'layers/sha256', layersOf(d)[0], 'diff');
      assert.ok(existsSync(join(diff, 'tmp/berth-escape-dotdot')));
      assert.ok(existsSync(join(diff, 'tmp/berth-escape-symlink')));
      const hl = buildImage({ layers: [{ tar: await layerTar([{ name: 'hl', type: 'link', linkname: '../../../../etc/passwd' }]) }] });
      await pushImage(reg, 'test/evil', '2', hl);
      await assert.rejects(d.img('PullImage', { image: { image: `${reg.host}/test/evil:2` } }), code(grpc.status.FAILED_PRECONDITION));
      noTemp(d);
    } finally {
      await d.dispose();
    }
  });
});

/**
 * berthd, at debug, logged every pull and every refused one (so its log is
 * where a leak would show), and no secret: neither as given, nor in base64,
 * nor any Authorization header or JWT.
 */
function assertCredentialsNeverLogged(d: TestDaemon, ref: string, pulled: number, refused: number, secrets: string[]): void {
  const records = d.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const pulls = records.filter((r) => String(r.method).endsWith('PullImage'));
  assert.equal(pulls.filter((r) => r.msg === 'rpc' && r.level === 20).length, pulled, 'each pull logged at debug');
  assert.equal(pulls.filter((r) => r.msg === 'rpc failed' && r.code === 'UNAUTHENTICATED').length, refused, 'each refused pull logged at debug');
  assert.equal(records.filter((r) => r.msg === 'image pulled' && r.image === ref).length, pulled);
  for (const secret of secrets)
    for (const form of [secret, Buffer.from(secret).toString('base64')]) assert.ok(!d.stderr.includes(form), `${form} is in berthd's log`);
  assert.doesNotMatch(d.stderr, /\b(Basic|Bearer) [\w+/=.-]{8,}|eyJ[\w-]+\.eyJ[\w-]+\./, 'no Authorization header or JWT in the log');
}

describe('registry authentication', () => {
  test('htpasswd: no, wrong and right credentials; username/password and auth; credentials never logged', async () => {
    const reg = await startRegistry('htpasswd');
    const d = await startDaemon({ args: ['--log-level', 'debug'] });
    try {
      const image = buildImage({ layers: [{ tar: await layerTar([{ name: 'secret', content: 's' }]) }] });
      await pushImage(reg, 'private/img', '1', image);
      const ref = `${reg.host}/private/img:1`;
      const wrong = `wrong-${randomBytes(6).toString('hex')}`;
      const basic = Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64');
      await assert.rejects(d.img('PullImage', { image: { image: ref } }), code(grpc.status.UNAUTHENTICATED));
      await assert.rejects(
        d.img('PullImage', { image: { image: ref }, auth: { username: BASIC_USER, password: wrong } }),
        code(grpc.status.UNAUTHENTICATED),
      );
      await d.img('PullImage', { image: { image: ref }, auth: { username: BASIC_USER, password: BASIC_PASSWORD } });
      await d.img('RemoveImage', { image: { image: ref } });
      await d.img('PullImage', { image: { image: ref }, auth: { auth: basic } });
      assert.equal((await d.img<{ images: Img[] }>('ListImages', {})).images.length, 1);
      assertCredentialsNeverLogged(d, ref, 2, 2, [BASIC_PASSWORD, wrong, basic, `${BASIC_USER}:${BASIC_PASSWORD}`]);
    } finally {
      await d.dispose();
      await reg.stop();
    }
  });

  test('token auth: the bearer challenge with credentials, identity token and registry token; credentials never logged', async () => {
    const reg = await startRegistry('token');
    const d = await startDaemon({ args: ['--log-level', 'debug'] });
    try {
      const image = buildImage({ layers: [{ tar: await layerTar([{ name: 'token', content: 't' }]) }] });
      await pushImage(reg, 'tok/img', '1', image);
      const ref = `${reg.host}/tok/img:1`;
      const again = async (auth: object) => {
        await d.img('PullImage', { image: { image: ref }, auth });
        await d.img('RemoveImage', { image: { image: ref } });
      };
      const wrong = `nope-${randomBytes(6).toString('hex')}`;
      const notAToken = `not-a-token-${randomBytes(6).toString('hex')}`;
      const registryToken = reg.token!.mint('repository:tok/img:pull');
      const basic = Buffer.from(`${TOKEN_USER}:${TOKEN_PASSWORD}`).toString('base64');
      await assert.rejects(d.img('PullImage', { image: { image: ref } }), code(grpc.status.UNAUTHENTICATED));
      await assert.rejects(
        d.img('PullImage', { image: { image: ref }, auth: { username: TOKEN_USER, password: wrong } }),
        code(grpc.status.UNAUTHENTICATED),
      );
      await again({ username: TOKEN_USER, password: TOKEN_PASSWORD });
      await again({ auth: basic });
      await again({ identity_token: IDENTITY_TOKEN });
      await again({ registry_token: registryToken });
      await assert.rejects(
        d.img('PullImage', { image: { image: ref }, auth: { registry_token: notAToken } }),
        code(grpc.status.UNAUTHENTICATED),
      );
      assertCredentialsNeverLogged(d, ref, 4, 3, [TOKEN_PASSWORD, wrong, notAToken, IDENTITY_TOKEN, registryToken, basic, `${TOKEN_USER}:${TOKEN_PASSWORD}`]);
    } finally {
      await d.dispose();
      await reg.stop();
    }
  });
});
