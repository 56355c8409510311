import type { ImageServiceHandlers } from '../gen/v1/runtime/v1/ImageService.js';
import { unary, streaming, type RpcEnv } from '../grpc/rpc.js';
import type { V1Deps } from './deps.js';
import { listImages, streamImages } from './list-images.js';
import { imageStatus } from './image-status.js';
import { pullImage } from './pull-image.js';
import { removeImage } from './remove-image.js';
import { imageFsInfo } from './image-fs-info.js';

/** `runtime.v1.ImageService`, on the same image store as the seed's. */
export function v1ImageServiceHandlers(env: RpcEnv, d: V1Deps): ImageServiceHandlers {
  const m = (name: string) => `v1.${name}`;
  return {
    ListImages: unary(env, m('ListImages'), listImages(d)),
    StreamImages: streaming(env, m('StreamImages'), streamImages(d)),
    ImageStatus: unary(env, m('ImageStatus'), imageStatus(d)),
    PullImage: unary(env, m('PullImage'), pullImage(d)),
    RemoveImage: unary(env, m('RemoveImage'), removeImage(d)),
    ImageFsInfo: unary(env, m('ImageFsInfo'), imageFsInfo(d)),
  };
}
