import type { Image } from '../gen/v1/runtime/v1/Image.js';
import type { ImageRecord } from '../../store/image-store.js';

/**
 * The image config's User ("user", "uid", "user:group"): a number is the
 * uid, a name the username, which the kubelet checks runAsNonRoot against.
 */
function imageUser(user: string | undefined): Pick<Image, 'uid' | 'username'> {
  const name = (user ?? '').split(':')[0];
  if (!name) return {};
  return /^[0-9]+$/.test(name) ? { uid: { value: name } } : { username: name };
}

export function toV1Image(img: ImageRecord): Image {
  return {
    id: img.id,
    repo_tags: img.repoTags,
    repo_digests: img.repoDigests,
    size: img.size,
    ...imageUser(img.config.User),
    spec: { image: img.id },
    // berth has no images it keeps from garbage collection (no pause image).
    pinned: false,
  };
}

/** What a verbose ImageStatus adds: the OCI image config and the layers, as JSON. */
export function imageInfo(img: ImageRecord): Record<string, string> {
  return {
    info: JSON.stringify({
      id: img.id,
      manifestDigest: img.manifestDigest,
      chainID: img.layers.at(-1)?.chainId ?? '',
      layers: img.layers,
      imageSpec: { config: img.config },
    }),
  };
}

/** The reference a kubelet shows as imageID: the first repo digest, else the image id. */
export function imageRefOf(find: (id: string) => ImageRecord | undefined): (id: string) => string {
  return (id) => find(id)?.repoDigests[0] ?? id;
}
