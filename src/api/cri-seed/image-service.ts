import type { ImageServiceHandlers } from '../gen/runtime/ImageService.js';
import type { Image } from '../gen/runtime/Image.js';
import { unary, type RpcEnv } from '../grpc/rpc.js';
import { imageRefArg, credentialsArg, imageFilterArg } from '../validate.js';
import type { Images } from '../../image/images.js';
import type { ImageRecord } from '../../store/image-store.js';

export function toProtoImage(img: ImageRecord): Image {
  return { id: img.id, repo_tags: img.repoTags, repo_digests: img.repoDigests, size: img.size };
}

export function imageServiceHandlers(env: RpcEnv, images: Images): ImageServiceHandlers {
  return {
    PullImage: unary(env, 'PullImage', async (req) => {
      await images.pull(imageRefArg(req.image?.image, 'image.image'), credentialsArg(req.auth));
      return {};
    }),
    ImageStatus: unary(env, 'ImageStatus', (req) => {
      const img = images.find(imageRefArg(req.image?.image, 'image.image'));
      return img ? { image: toProtoImage(img) } : {};
    }),
    ListImages: unary(env, 'ListImages', (req) => {
      return { images: images.list(imageFilterArg(req.filter?.image?.image)).map(toProtoImage) };
    }),
    RemoveImage: unary(env, 'RemoveImage', (req) => {
      images.remove(imageRefArg(req.image?.image, 'image.image'));
      return {};
    }),
  };
}
