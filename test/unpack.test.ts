import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTar } from '../src/image/unpack.js';
import { host } from '../src/host/native.js';
import { layerTar, type TarEntry } from './helpers/images.js';

// Layers are extracted into <base>/root; <base>/outside is what an escape would hit.
describe('layer extraction', () => {
  let base: string;
  let root: string;
  let outside: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'berth-unpack-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  async function extract(entries: TarEntry[]): Promise<void> {
    root = join(base, `root-${Math.random().toString(36).slice(2)}`);
    outside = join(base, 'outside');
    mkdirSync(root);
    mkdirSync(outside, { recursive: true });
    await extractTar(Readable.from([await layerTar(entries)]), root);
  }

  function nothingOutside(): void {
    assert.deepEqual(readdirSync(outside), [], 'nothing was written outside the layer');
    assert.ok(!existsSync('/escape-berth-test'), 'nothing at the host root');
  }

  test('modes, owners, mtimes, hard links, symlinks and xattrs are preserved', async () => {
    const mtime = new Date('2020-02-02T02:02:02Z');
    await extract([
      { name: 'd', type: 'directory', mode: 0o750, uid: 7, gid: 8, mtime },
      { name: 'd/f', content: 'hello', mode: 0o4755, uid: 1000, gid: 1001, mtime, pax: { 'SCHILY.xattr.user.berth': 'yes' } },
      { name: 'd/hl', type: 'link', linkname: 'd/f' },
      { name: 'sl', type: 'symlink', linkname: 'd/f', uid: 5, gid: 6 },
      { name: 'fifo', type: 'fifo', mode: 0o600 },
    ]);
    const f = statSync(join(root, 'd/f'));
    assert.equal(f.mode & 0o7777, 0o4755, 'setuid kept after chown');
    assert.equal(f.uid, 1000);
    assert.equal(f.gid, 1001);
    assert.equal(f.mtime.getTime(), mtime.getTime());
    assert.equal(f.nlink, 2);
    assert.equal(statSync(join(root, 'd/hl')).ino, f.ino);
    const d = statSync(join(root, 'd'));
    assert.equal(d.mode & 0o7777, 0o750);
    assert.equal(d.uid, 7);
    assert.equal(d.mtime.getTime(), mtime.getTime(), 'directory mtime set after its children');
    assert.equal(readlinkSync(join(root, 'sl')), 'd/f');
    assert.equal(lstatSync(join(root, 'sl')).uid, 5);
    assert.ok(lstatSync(join(root, 'fifo')).isFIFO());
    assert.equal(host.lgetxattr(join(root, 'd/f'), 'user.berth')?.toString(), 'yes');
  });

  test('binary xattr values (as GNU tar writes them) are kept byte for byte', async () => {
    const src = join(base, `xattr-src-${Date.now()}`);
    mkdirSync(src);
    writeFileSync(join(src, 'capped'), 'x');
    const value = Buffer.from([0x00, 0x00, 0x00, 0x02, 0x00, 0x20, 0x00, 0x00, 0xff, 0x80, 0xc3, 0x28]);
    host.lsetxattr(join(src, 'capped'), 'user.binary', value);
    const tarball = spawnSync('tar', ['--xattrs', '--xattrs-include=*', '-C', src, '-cf', '-', 'capped']).stdout;
    root = join(base, `root-bin-${Date.now()}`);
    mkdirSync(root);
    await extractTar(Readable.from([tarball]), root);
    assert.deepEqual(host.lgetxattr(join(root, 'capped'), 'user.binary'), value);
  });

  test('OCI whiteouts become overlay whiteouts', async () => {
    await extract([
      { name: 'etc', type: 'directory' },
      { name: 'etc/.wh.gone', content: '' },
      { name: 'opaque', type: 'directory' },
      { name: 'opaque/.wh..wh..opq', content: '' },
      { name: 'opaque/kept', content: 'x' },
    ]);
    const wh = lstatSync(join(root, 'etc/gone'));
    assert.ok(wh.isCharacterDevice());
    assert.equal(wh.rdev, 0);
    assert.ok(!existsSync(join(root, 'etc/.wh.gone')));
    assert.equal(host.lgetxattr(join(root, 'opaque'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.ok(!existsSync(join(root, 'opaque/.wh..wh..opq')));
    assert.equal(readFileSync(join(root, 'opaque/kept'), 'utf8'), 'x');
  });

  test('.. and absolute names stay inside the layer', async () => {
    await extract([
      { name: '../../outside/dotdot', content: 'x' },
      { name: '/escape-berth-test', content: 'x' },
      { name: 'a/../../../outside/dotdot2', content: 'x' },
    ]);
    nothingOutside();
    assert.ok(existsSync(join(root, 'outside/dotdot')));
    assert.ok(existsSync(join(root, 'escape-berth-test')));
  });

  test('a symlink pointing out, then written through, lands inside', async () => {
    await extract([
      { name: 'evil', type: 'symlink', linkname: join(base, 'outside') },
      { name: 'evil/pwned', content: 'x' },
      { name: 'rel', type: 'symlink', linkname: '../../../../../../..' + join(base, 'outside') },
      { name: 'rel/pwned2', content: 'x' },
      { name: 'chain1', type: 'symlink', linkname: 'chain2' },
      { name: 'chain2', type: 'symlink', linkname: '/' },
      { name: 'chain1/escape-berth-test', content: 'x' },
    ]);
    nothingOutside();
    assert.ok(existsSync(join(root, base, 'outside/pwned')), 'written under the layer root instead');
    assert.ok(existsSync(join(root, 'escape-berth-test')));
    // The symlinks themselves are kept as they are: they only mean something inside the container.
    assert.equal(readlinkSync(join(root, 'evil')), join(base, 'outside'));
  });

  test('a hard link to a file outside the layer fails the layer', async () => {
    await assert.rejects(
      extract([{ name: 'hl', type: 'link', linkname: '../../../../../etc/passwd' }]),
      /hard link hl: target .* is not a file in this layer/,
    );
    nothingOutside();
    await assert.rejects(
      extract([
        { name: 'up', type: 'symlink', linkname: '/etc' },
        { name: 'hl', type: 'link', linkname: 'up/passwd' },
      ]),
      /not a file in this layer/,
    );
  });

  test('a file replacing a symlink replaces the link, not its target', async () => {
    await extract([
      { name: 'target', content: 'original' },
      { name: 'link', type: 'symlink', linkname: 'target' },
      { name: 'link', content: 'new' },
      { name: 'outlink', type: 'symlink', linkname: join(base, 'outside', 'victim') },
      { name: 'outlink', content: 'x' },
    ]);
    assert.equal(readFileSync(join(root, 'target'), 'utf8'), 'original');
    assert.equal(readFileSync(join(root, 'link'), 'utf8'), 'new');
    assert.ok(lstatSync(join(root, 'link')).isFile());
    nothingOutside();
  });

  test('device nodes are created (as root)', async () => {
    await extract([{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 }]);
    const st = lstatSync(join(root, 'null'));
    assert.ok(st.isCharacterDevice());
    assert.equal(st.rdev, (1 << 8) | 3);
  });
});
