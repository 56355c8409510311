import type { ImageServiceHandlers } from '../gen/runtime/ImageService.js';
import type { Image } from '../gen/runtime/Image.js';
import type { AuthConfig__Output } from '../gen/runtime/AuthConfig.js';
import { unary, type RpcEnv } from '../grpc/rpc.js';
import { imageRefArg, boundedString, MAX_IMAGE_REF } from '../validate.js';
import type { Images } from '../../image/images.js';
import type { ImageRecord } from '../../store/image-store.js';
import type { Credentials } from '../../image/auth.js';

const MAX_SECRET = 16 * 1024;

export function toProtoImage(img: ImageRecord): Image {
  return { id: img.id, repo_tags: img.repoTags, repo_digests: img.repoDigests, size: img.size };
}

function credentials(auth: AuthConfig__Output | undefined): Credentials {
  if (!auth) return {};
  const field = (v: string | undefined, name: string) => boundedString(v, `auth.${name}`, MAX_SECRET) || undefined;
  return {
    username: field(auth.username, 'username'),
    password: field(auth.password, 'password'),
    auth: field(auth.auth, 'auth'),
    identityToken: field(auth.identity_token, 'identity_token'),
    registryToken: field(auth.registry_token, 'registry_token'),
  };
}

export function imageServiceHandlers(env: RpcEnv, images: Images): ImageServiceHandlers {
  return {
    PullImage: unary(env, 'PullImage', async (req) => {
      await images.pull(imageRefArg(req.image?.image, 'image.image'), credentials(req.auth));
      return {};
    }),
    ImageStatus: unary(env, 'ImageStatus', (req) => {
      const img = images.find(imageRefArg(req.image?.image, 'image.image'));
      return img ? { image: toProtoImage(img) } : {};
    }),
    ListImages: unary(env, 'ListImages', (req) => {
      const filter = boundedString(req.filter?.image?.image?.trim(), 'filter.image.image', MAX_IMAGE_REF);
      return { images: images.list(filter || undefined).map(toProtoImage) };
    }),
    RemoveImage: unary(env, 'RemoveImage', (req) => {
      images.remove(imageRefArg(req.image?.image, 'image.image'));
      return {};
    }),
  };
}
