import { BerthError } from '../errors.js';
import { MAX_CONFIG_BYTES, MAX_LAYERS, MAX_MANIFEST_BYTES, mib } from './limits.js';

export const MT = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerSchema1: 'application/vnd.docker.distribution.manifest.v1+json',
  dockerSchema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

export const MANIFEST_ACCEPT = [MT.ociIndex, MT.dockerList, MT.ociManifest, MT.dockerManifest].join(', ');

export type LayerCompression = 'gzip' | 'zstd' | 'none';

const LAYER_TYPES: Record<string, LayerCompression> = {
  'application/vnd.docker.image.rootfs.diff.tar.gzip': 'gzip',
  'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
  'application/vnd.oci.image.layer.v1.tar': 'none',
  'application/vnd.docker.image.rootfs.diff.tar': 'none',
};

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
}

export interface ImageManifest {
  config: Descriptor;
  layers: (Descriptor & { compression: LayerCompression })[];
}

interface Platform {
  os?: string;
  architecture?: string;
  variant?: string;
}

const DIGEST = /^sha256:[a-f0-9]{64}$/;

function descriptor(d: unknown, what: string): Descriptor {
  const x = d as Partial<Descriptor> | null;
  const size = x?.size;
  if (!x || typeof x.digest !== 'string' || !DIGEST.test(x.digest) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0)
    throw new BerthError('INTERNAL', `${what}: malformed descriptor`);
  return { mediaType: String(x.mediaType ?? ''), digest: x.digest, size };
}

/** The media type a manifest says it has, from its body when the header is vague. */
export function manifestKind(mediaType: string, body: Buffer): 'index' | 'manifest' {
  let doc: { mediaType?: string; schemaVersion?: number; manifests?: unknown; layers?: unknown };
  try {
    doc = JSON.parse(body.toString()) as typeof doc;
  } catch {
    throw new BerthError('INTERNAL', 'manifest is not JSON');
  }
  const mt = doc.mediaType ?? mediaType;
  if (mt === MT.dockerSchema1 || mt === MT.dockerSchema1Signed || doc.schemaVersion === 1)
    throw new BerthError('FAILED_PRECONDITION', 'Docker schema 1 manifests are not supported; push the image again with a current client');
  if (mt === MT.ociIndex || mt === MT.dockerList || (Array.isArray(doc.manifests) && !doc.layers)) return 'index';
  if (mt === MT.ociManifest || mt === MT.dockerManifest || Array.isArray(doc.layers)) return 'manifest';
  throw new BerthError('FAILED_PRECONDITION', `unsupported manifest media type ${JSON.stringify(mt)}`);
}

export function hostPlatform(): Required<Platform> {
  const arch = ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<string, string>)[
    process.arch
  ];
  return { os: 'linux', architecture: arch ?? process.arch, variant: process.arch === 'arm64' ? 'v8' : '' };
}

/** Picks the manifest for this host's platform out of an index / manifest list. */
export function selectPlatform(body: Buffer, want = hostPlatform()): Descriptor {
  const doc = JSON.parse(body.toString()) as { manifests?: (Descriptor & { platform?: Platform })[] };
  const candidates = (doc.manifests ?? []).filter(
    (m) => m.platform?.os === want.os && m.platform?.architecture === want.architecture,
  );
  const exact = candidates.find((m) => (m.platform?.variant ?? '') === want.variant);
  const chosen = exact ?? candidates.find((m) => !m.platform?.variant) ?? candidates[0];
  if (!chosen) {
    const offered = (doc.manifests ?? []).map((m) => `${m.platform?.os}/${m.platform?.architecture}`).join(', ');
    throw new BerthError('NOT_FOUND', `no manifest for ${want.os}/${want.architecture} in the index (it has ${offered || 'none'})`);
  }
  const d = descriptor(chosen, 'index entry');
  if (d.size > MAX_MANIFEST_BYTES)
    throw new BerthError('FAILED_PRECONDITION', `manifest ${d.digest} is ${d.size} bytes, more than the ${mib(MAX_MANIFEST_BYTES)} berth accepts`);
  return d;
}

/** The config and layers of an image manifest, refused before any download when over berth's limits. */
export function parseImageManifest(body: Buffer): ImageManifest {
  const doc = JSON.parse(body.toString()) as { config?: unknown; layers?: unknown[] };
  const config = descriptor(doc.config, 'manifest config');
  if (config.size > MAX_CONFIG_BYTES)
    throw new BerthError('FAILED_PRECONDITION', `image config ${config.digest} is ${config.size} bytes, more than the ${mib(MAX_CONFIG_BYTES)} berth accepts`);
  if (!Array.isArray(doc.layers ?? [])) throw new BerthError('INTERNAL', 'manifest layers is not a list');
  const count = doc.layers?.length ?? 0;
  if (count > MAX_LAYERS) throw new BerthError('FAILED_PRECONDITION', `image has ${count} layers, more than the ${MAX_LAYERS} berth supports (Docker's limit)`);
  const layers = (doc.layers ?? []).map((l, i) => {
    const d = descriptor(l, `manifest layer ${i}`);
    const compression = LAYER_TYPES[d.mediaType];
    if (!compression) throw new BerthError('FAILED_PRECONDITION', `layer ${d.digest}: unsupported media type ${JSON.stringify(d.mediaType)}`);
    return { ...d, compression };
  });
  return { config, layers };
}

/** The parts of an image config that berth uses to run containers. */
export interface ImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  User?: string;
  StopSignal?: string;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  Labels?: Record<string, string> | null;
}

export function parseImageConfig(body: Buffer, layerCount: number): { config: ImageConfig; diffIds: string[] } {
  let doc: { config?: ImageConfig; rootfs?: { type?: string; diff_ids?: string[] } };
  try {
    doc = JSON.parse(body.toString()) as typeof doc;
  } catch {
    throw new BerthError('INTERNAL', 'image config is not JSON');
  }
  const diffIds = doc.rootfs?.diff_ids ?? [];
  if (diffIds.length !== layerCount || diffIds.some((d) => !DIGEST.test(d)))
    throw new BerthError('INTERNAL', `image config lists ${diffIds.length} layer diff ids, the manifest ${layerCount} layers`);
  const c = doc.config ?? {};
  return {
    config: {
      Entrypoint: c.Entrypoint ?? null,
      Cmd: c.Cmd ?? null,
      Env: c.Env ?? null,
      WorkingDir: c.WorkingDir ?? '',
      User: c.User ?? '',
      StopSignal: c.StopSignal ?? '',
      ExposedPorts: c.ExposedPorts ?? null,
      Volumes: c.Volumes ?? null,
      Labels: c.Labels ?? null,
    },
    diffIds,
  };
}
