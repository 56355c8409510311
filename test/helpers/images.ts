import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { sha256, type TestRegistry } from './registry.js';

export interface TarEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device' | 'fifo';
  content?: Buffer | string;
  mode?: number;
  uid?: number;
  gid?: number;
  linkname?: string;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

/** An uncompressed layer tar from entries, in order. */
export async function layerTar(entries: TarEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = (async () => {
    for await (const c of pack) chunks.push(c as Buffer);
  })();
  for (const e of entries) {
    const type = e.type ?? 'file';
    const body = type === 'file' ? Buffer.from(e.content ?? '') : undefined;
    const header = {
      name: e.name,
      type,
      mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date('2024-01-01T00:00:00Z'),
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
      pax: e.pax,
      size: body?.length ?? 0,
    };
    await new Promise<void>((resolve, reject) => {
      if (body) pack.entry(header, body, (err) => (err ? reject(err) : resolve()));
      else pack.entry(header, (err) => (err ? reject(err) : resolve())).end(undefined);
    });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

// Every applet this busybox has, as a symlink in /bin.
const APPLETS = spawnSync('/usr/bin/busybox', ['--list'])
  .stdout.toString()
  .split('\n')
  .filter((a) => /^[a-z0-9_.-]+$/.test(a) && a !== 'busybox');

/** A root filesystem with Debian's static busybox and its applets. */
export async function busyboxLayer(extra: TarEntry[] = []): Promise<Buffer> {
  const entries: TarEntry[] = [
    ...['bin', 'etc', 'tmp', 'proc', 'sys', 'dev', 'root', 'home', 'var', 'usr', 'usr/bin'].map((d) => ({
      name: d,
      type: 'directory' as const,
      mode: d === 'tmp' ? 0o1777 : 0o755,
    })),
    { name: 'bin/busybox', content: readFileSync('/usr/bin/busybox'), mode: 0o755 },
    ...APPLETS.map((a) => ({ name: `bin/${a}`, type: 'symlink' as const, linkname: 'busybox' })),
    { name: 'etc/passwd', content: 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\nalice:x:1234:2345:alice:/home/alice:/bin/sh\n' },
    { name: 'etc/group', content: 'root:x:0:\nnogroup:x:65534:\nstaff:x:2345:alice\nextra:x:3456:alice\n' },
    ...extra,
  ];
  return layerTar(entries);
}

export type Compression = 'gzip' | 'zstd' | 'none';

export function compress(tarball: Buffer, c: Compression): Buffer {
  if (c === 'gzip') return gzipSync(tarball);
  if (c === 'none') return tarball;
  const r = spawnSync('zstd', ['-q', '-c'], { input: tarball, maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`zstd: ${r.stderr.toString()}`);
  return r.stdout;
}

const LAYER_MT: Record<string, Record<Compression, string>> = {
  oci: {
    gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    none: 'application/vnd.oci.image.layer.v1.tar',
  },
  docker: {
    gzip: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
    zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
    none: 'application/vnd.docker.image.rootfs.diff.tar',
  },
};

export interface BuiltImage {
  config: Buffer;
  configDigest: string;
  manifest: Buffer;
  manifestDigest: string;
  mediaType: string;
  blobs: Buffer[];
}

export interface ImageSpec {
  layers: { tar: Buffer; compression?: Compression }[];
  config?: Record<string, unknown>;
  format?: 'oci' | 'docker';
  architecture?: string;
}

export function buildImage(spec: ImageSpec): BuiltImage {
  const format = spec.format ?? 'docker';
  const layers = spec.layers.map((l) => {
    const c = l.compression ?? 'gzip';
    const blob = compress(l.tar, c);
    return { blob, diffId: sha256(l.tar), mediaType: LAYER_MT[format][c] };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: spec.architecture ?? 'amd64',
      os: 'linux',
      config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'], ...spec.config },
      rootfs: { type: 'layers', diff_ids: layers.map((l) => l.diffId) },
    }),
  );
  const mediaType = format === 'oci' ? 'application/vnd.oci.image.manifest.v1+json' : 'application/vnd.docker.distribution.manifest.v2+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType,
      config: {
        mediaType: format === 'oci' ? 'application/vnd.oci.image.config.v1+json' : 'application/vnd.docker.container.image.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: sha256(l.blob), size: l.blob.length })),
    }),
  );
  return { config, configDigest: sha256(config), manifest, manifestDigest: sha256(manifest), mediaType, blobs: [config, ...layers.map((l) => l.blob)] };
}

async function must(res: Response, what: string): Promise<Response> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return res;
}

export async function pushBlob(reg: TestRegistry, repo: string, blob: Buffer): Promise<void> {
  const auth = reg.pushAuth(repo);
  const headers: Record<string, string> = auth ? { authorization: auth } : {};
  const start = await must(await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST', headers }), 'start upload');
  const loc = new URL(start.headers.get('location')!, reg.url);
  loc.searchParams.set('digest', sha256(blob));
  await must(
    await fetch(loc, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: new Uint8Array(blob) }),
    'upload blob',
  );
}

export async function pushManifest(reg: TestRegistry, repo: string, ref: string, body: Buffer, mediaType: string): Promise<void> {
  const auth = reg.pushAuth(repo);
  await must(
    await fetch(`${reg.url}/v2/${repo}/manifests/${ref}`, {
      method: 'PUT',
      headers: { 'content-type': mediaType, ...(auth ? { authorization: auth } : {}) },
      body: new Uint8Array(body),
    }),
    `push manifest ${repo}:${ref}`,
  );
}

export async function pushImage(reg: TestRegistry, repo: string, tag: string, img: BuiltImage): Promise<void> {
  for (const b of img.blobs) await pushBlob(reg, repo, b);
  await pushManifest(reg, repo, tag, img.manifest, img.mediaType);
}

/** Pushes an OCI index over images for several platforms; returns its digest. */
export async function pushIndex(
  reg: TestRegistry,
  repo: string,
  tag: string,
  entries: { img: BuiltImage; os: string; architecture: string; variant?: string }[],
): Promise<string> {
  for (const e of entries) {
    for (const b of e.img.blobs) await pushBlob(reg, repo, b);
    await pushManifest(reg, repo, e.img.manifestDigest, e.img.manifest, e.img.mediaType);
  }
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: entries.map((e) => ({
        mediaType: e.img.mediaType,
        digest: e.img.manifestDigest,
        size: e.img.manifest.length,
        platform: { os: e.os, architecture: e.architecture, ...(e.variant ? { variant: e.variant } : {}) },
      })),
    }),
  );
  await pushManifest(reg, repo, tag, index, 'application/vnd.oci.image.index.v1+json');
  return sha256(index);
}
