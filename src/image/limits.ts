// What berth accepts from a registry. Everything a pull keeps in memory or
// in the database is bounded here, so that one image can neither exhaust
// berthd at pull time nor, once saved, at every start after it.

/**
 * Manifests and indexes. containerd refuses manifests over
 * `MaxManifestSize int64 = 4 * 1048 * 1048` (core/remotes/docker/resolver.go:
 * a 127-layer manifest is ~32 KiB, the rest is room for annotations), and
 * docker distribution and containers/image use 4 MB; 4 MiB is the same bound.
 */
export const MAX_MANIFEST_BYTES = 4 << 20;

/**
 * The image config blob. containers/image (CRI-O, Podman) refuses configs
 * over 4 MB (pkg/docker/iolimits MaxConfigBodySize); twice that is kept so
 * that every image those runtimes pull pulls here too. Real configs are a
 * few KiB: env, labels and one history entry per layer.
 */
export const MAX_CONFIG_BYTES = 8 << 20;

/**
 * Layers per image: Docker's limit (its aufs and overlay2 drivers refused
 * more, and images are built to it). Each is an overlay lower dir.
 */
export const MAX_LAYERS = 127;

/** A size for messages: "4 MiB", "288.1 MiB". */
export function mib(bytes: number): string {
  const m = bytes / (1 << 20);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MiB`;
}
