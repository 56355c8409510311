import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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

  test('binary xattrs survive GNU long names, pax long names, directories and global pax headers', async () => {
    const src = join(base, `xattr-many-${Date.now()}`);
    const long = 'l'.repeat(150);
    const gnuLong = 'g'.repeat(150);
    mkdirSync(join(src, 'd'), { recursive: true });
    writeFileSync(join(src, long), 'x');
    writeFileSync(join(src, gnuLong), 'g');
    writeFileSync(join(src, 'd/f'), 'y');
    writeFileSync(join(src, 'plain'), 'z');
    const v1 = Buffer.from([0xff, 0xfe, 0x00, 0x01]);
    const v2 = Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x00]);
    host.lsetxattr(join(src, long), 'user.one', v1);
    host.lsetxattr(join(src, 'd'), 'user.dir', v2);
    host.lsetxattr(join(src, 'd/f'), 'user.two', v2);
    // GNU tar writes no xattrs in its own format; an archive in it (long
    // name headers), then a pax one, is what both walks must agree on.
    const gnu = spawnSync('tar', ['--format=gnu', '-C', src, '-cf', '-', gnuLong, 'plain']).stdout;
    const pax = spawnSync('tar', ['--xattrs', '--xattrs-include=*', '--format=posix', '--pax-option=comment=global', '-C', src, '-cf', '-', long, 'd']).stdout;
    assert.ok(gnu.length && pax.length);
    root = join(base, `root-many-${Date.now()}`);
    mkdirSync(root);
    await extractTar(Readable.from([Buffer.concat([gnu, pax])]), root);
    assert.deepEqual(host.lgetxattr(join(root, long), 'user.one'), v1);
    assert.deepEqual(host.lgetxattr(join(root, 'd'), 'user.dir'), v2);
    assert.deepEqual(host.lgetxattr(join(root, 'd/f'), 'user.two'), v2);
    assert.equal(host.lgetxattr(join(root, 'plain'), 'user.one'), null);
    assert.equal(readFileSync(join(root, gnuLong), 'utf8'), 'g');
    assert.equal(readFileSync(join(root, 'd/f'), 'utf8'), 'y');
  });

  test('a directory later replaced by a symlink, or a hard link to one, leaves host files\' times alone', async () => {
    const victimDir = join(base, 'outside', 'victim-dir');
    const victimFile = join(base, 'outside', 'victim-file');
    mkdirSync(join(victimDir, 'sub'), { recursive: true });
    writeFileSync(victimFile, 'host');
    const old = new Date('2001-01-01T00:00:00Z');
    for (const p of [victimDir, join(victimDir, 'sub'), victimFile]) utimesSync(p, old, old);
    try {
      const mtime = new Date('2020-02-02T00:00:00Z');
      await extract([
        { name: 'd', type: 'directory', mtime },
        { name: 'd/sub', type: 'directory', mtime },
        { name: 'd', type: 'symlink', linkname: victimDir },
        { name: 'e', type: 'directory', mtime },
        { name: 'lnk', type: 'symlink', linkname: victimFile },
        { name: 'e', type: 'link', linkname: 'lnk' },
        { name: 'kept', type: 'directory', mtime },
      ]);
      for (const p of [victimDir, join(victimDir, 'sub'), victimFile]) {
        const st = statSync(p);
        assert.equal(st.mtime.getTime(), old.getTime(), `mtime of ${p}`);
        assert.equal(st.atime.getTime(), old.getTime(), `atime of ${p}`);
      }
      assert.ok(lstatSync(join(root, 'd')).isSymbolicLink());
      assert.ok(lstatSync(join(root, 'e')).isSymbolicLink(), 'e is a hard link to the symlink');
      assert.equal(statSync(join(root, 'kept')).mtime.getTime(), mtime.getTime(), 'other directories keep their times');
    } finally {
      rmSync(victimDir, { recursive: true, force: true });
      rmSync(victimFile, { force: true });
    }
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
