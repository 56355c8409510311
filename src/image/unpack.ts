import * as fs from 'node:fs';
import { constants, createReadStream } from 'node:fs';
import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { PaxXattrs } from './pax.js';
import { BerthError } from '../errors.js';
import { host, S_IFBLK, S_IFCHR, S_IFIFO } from '../host/native.js';
import { resolveInRoot } from '../host/root-path.js';
import type { LayerCompression } from './manifest.js';

const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

function layerError(msg: string): BerthError {
  return new BerthError('FAILED_PRECONDITION', `layer: ${msg}`);
}

/** The entry's path as clean components relative to the layer root. */
function cleanParts(name: string): string[] {
  return posix
    .normalize('/' + name)
    .split('/')
    .filter((x) => x && x !== '.');
}

function removeExisting(path: string, keepDir: boolean, knownDirs: Set<string>): void {
  const st = fs.lstatSync(path, { throwIfNoEntry: false });
  if (!st || (keepDir && st.isDirectory())) return;
  fs.rmSync(path, { recursive: true, force: true });
  knownDirs.clear();
}

/**
 * The entry's xattrs with their raw bytes, checked against what tar-stream
 * decoded for the same entry: the two walks of the archive must agree.
 */
function xattrsOf(header: tar.Header, raw: Map<string, Buffer> | null): [string, Buffer][] {
  const decoded = Object.entries((header.pax ?? {}) as Record<string, string>).filter(([k]) => k.startsWith('SCHILY.xattr.'));
  const entries = [...(raw ?? [])];
  const agree =
    decoded.length === entries.length &&
    entries.every(([name, value]) => (header.pax as Record<string, string>)[`SCHILY.xattr.${name}`] === value.toString('utf8'));
  if (!agree) throw layerError(`pax headers of ${header.name} read differently by the two parsers`);
  return entries;
}

/** True if `dir` is still a directory reached from `root` without a symlink. */
function stillRealDir(root: string, dir: string): boolean {
  let path = root;
  for (const part of posix.relative(root, dir).split('/').filter(Boolean)) {
    path = posix.join(path, part);
    if (!fs.lstatSync(path, { throwIfNoEntry: false })?.isDirectory()) return false;
  }
  return true;
}

/**
 * Extracts an uncompressed layer tar into `root` with synchronous file
 * system calls: it runs in a worker thread (see unpack-worker.ts), where
 * they cost far less than a threadpool round trip each. turning OCI whiteouts
 * into overlayfs ones (char device 0/0; opaque dirs get
 * trusted.overlay.opaque=y). Nothing is ever written outside `root`.
 */
export async function extractTar(input: Readable, root: string): Promise<void> {
  const extract = tar.extract();
  const xattrs = new PaxXattrs();
  const knownDirs = new Set<string>([root]);
  const dirTimes: [string, Date][] = [];
  // tar-stream's streams are streamx ones, whose end node's pipeline() does
  // not see; the entry iterator ends when the archive does.
  input.on('error', (err) => extract.destroy(err));
  input.pipe(xattrs).pipe(extract as unknown as NodeJS.WritableStream);
  try {
    for await (const entry of extract) {
      try {
        await writeEntry(entry.header, xattrs.next(), entry as AsyncIterable<Buffer>, root, knownDirs, dirTimes);
      } finally {
        entry.resume();
      }
    }
  } catch (err) {
    input.destroy();
    throw err;
  }
  // Children change their parent's mtime; set directories' own last, deepest
  // first. A later entry may have replaced a directory (or one above it)
  // with a symlink, even one to a host path: such a directory's time is
  // not set, and lutimes never follows the last component.
  for (const [dir, mtime] of dirTimes.reverse()) if (stillRealDir(root, dir)) fs.lutimesSync(dir, mtime, mtime);
}

async function writeEntry(
  h: tar.Header,
  rawXattrs: Map<string, Buffer> | null,
  entry: AsyncIterable<Buffer>,
  root: string,
  knownDirs: Set<string>,
  dirTimes: [string, Date][],
): Promise<void> {
  const parts = cleanParts(h.name);
  if (!parts.length) {
    if (h.type === 'directory') fs.chmodSync(root, (h.mode ?? 0o755) & 0o7777);
    return;
  }
  const base = parts[parts.length - 1];
  const parent = resolveInRoot(root, parts.slice(0, -1), knownDirs);
  if (!knownDirs.has(parent)) {
    fs.mkdirSync(parent, { recursive: true });
    knownDirs.add(parent);
  }

  if (base === OPAQUE) {
    host.lsetxattr(parent, 'trusted.overlay.opaque', Buffer.from('y'));
    return;
  }
  if (base.startsWith(WHITEOUT)) {
    const hidden = base.slice(WHITEOUT.length);
    // .wh..wh.* other than the opaque marker are aufs bookkeeping, not whiteouts.
    if (!hidden || hidden.startsWith('.wh.') || hidden === '..' || hidden === '.') return;
    const target = posix.join(parent, hidden);
    removeExisting(target, false, knownDirs);
    host.mknod(target, S_IFCHR, 0, 0);
    return;
  }

  const dest = posix.join(parent, base);
  const mode = (h.mode ?? 0o644) & 0o7777;
  const mtime = h.mtime ?? new Date(0);
  switch (h.type) {
    case 'directory': {
      removeExisting(dest, true, knownDirs);
      fs.mkdirSync(dest, { recursive: true });
      knownDirs.add(dest);
      dirTimes.push([dest, mtime]);
      break;
    }
    case 'file':
    case 'contiguous-file': {
      removeExisting(dest, false, knownDirs);
      const fd = fs.openSync(dest, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        for await (const chunk of entry) {
          for (let off = 0; off < chunk.length; ) off += fs.writeSync(fd, chunk, off);
        }
        // Through the descriptor: whatever happens to the path, these reach this file.
        fs.fchownSync(fd, h.uid ?? 0, h.gid ?? 0);
        for (const [name, value] of xattrsOf(h, rawXattrs)) host.lsetxattr(dest, name, value);
        fs.fchmodSync(fd, mode); // after chown, which clears setuid bits
        fs.futimesSync(fd, mtime, mtime);
      } finally {
        fs.closeSync(fd);
      }
      return;
    }
    case 'symlink': {
      removeExisting(dest, false, knownDirs);
      fs.symlinkSync(h.linkname ?? '', dest);
      knownDirs.clear();
      break;
    }
    case 'link': {
      const targetParts = cleanParts(h.linkname ?? '');
      if (!targetParts.length) throw layerError(`hard link ${h.name} has no target`);
      const targetParent = resolveInRoot(root, targetParts.slice(0, -1), knownDirs);
      const target = posix.join(targetParent, targetParts[targetParts.length - 1]);
      const st = fs.lstatSync(target, { throwIfNoEntry: false });
      if (!st || st.isDirectory()) throw layerError(`hard link ${h.name}: target ${h.linkname} is not a file in this layer`);
      removeExisting(dest, false, knownDirs);
      fs.linkSync(target, dest);
      return; // a hard link shares its target's inode: owner, mode and times are the target's
    }
    case 'character-device':
    case 'block-device':
    case 'fifo': {
      removeExisting(dest, false, knownDirs);
      const kind = h.type === 'fifo' ? S_IFIFO : h.type === 'block-device' ? S_IFBLK : S_IFCHR;
      host.mknod(dest, kind | mode, h.devmajor ?? 0, h.devminor ?? 0);
      break;
    }
    default:
      return; // pax / GNU metadata entries are folded into headers by tar-stream
  }
  // dest was just made (or kept as a directory after lstat): none of these follows a link.
  fs.lchownSync(dest, h.uid ?? 0, h.gid ?? 0);
  for (const [name, value] of xattrsOf(h, rawXattrs)) host.lsetxattr(dest, name, value);
  if (h.type !== 'symlink') fs.chmodSync(dest, mode); // after chown, which clears setuid bits
  if (h.type !== 'directory') fs.lutimesSync(dest, mtime, mtime);
}

function decompressor(compression: LayerCompression, blobPath: string): Readable {
  if (compression === 'gzip') return createReadStream(blobPath, { highWaterMark: 1 << 20 }).pipe(createGunzip({ chunkSize: 1 << 18 }));
  if (compression === 'none') return createReadStream(blobPath, { highWaterMark: 1 << 20 });
  // Node 20's zlib has no zstd; Debian's zstd binary streams it.
  const child = spawn('zstd', ['-d', '-c', '-q', blobPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => {
    if (code !== 0) child.stdout.destroy(new Error(`zstd: ${stderr.trim() || 'exit ' + code}`));
  });
  child.on('error', (err) => child.stdout.destroy(err));
  return child.stdout;
}

/**
 * Unpacks a layer blob into `root` (in the calling thread) and checks that the uncompressed tar has
 * the diff id the image config promises.
 */
export async function unpackLayerHere(blobPath: string, compression: LayerCompression, diffId: string, root: string): Promise<number> {
  const hash = createHash('sha256');
  let size = 0;
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      size += chunk.length;
      cb(null, chunk);
    },
  });
  try {
    const source = decompressor(compression, blobPath);
    source.on('error', (err) => hasher.destroy(err));
    await extractTar(source.pipe(hasher), root);
  } catch (err) {
    if (err instanceof BerthError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOSPC') throw new BerthError('RESOURCE_EXHAUSTED', `unpack: no space left under ${root}`);
    throw layerError(`unpack failed: ${e.message}`);
  }
  const actual = `sha256:${hash.digest('hex')}`;
  if (actual !== diffId) throw new BerthError('UNAVAILABLE', `layer diff id is ${actual}, the image config says ${diffId}`);
  return size;
}
