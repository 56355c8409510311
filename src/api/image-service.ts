import type { ImageServiceHandlers } from './gen/runtime/ImageService.js';
import { unary, type RpcEnv } from './rpc.js';
import { BerthError } from '../errors.js';

export function imageServiceHandlers(env: RpcEnv): ImageServiceHandlers {
  const pending = <Req, Res>(method: string) =>
    unary<Req, Res>(env, method, () => {
      throw new BerthError('UNIMPLEMENTED', `${method} is not implemented yet`);
    });
  return {
    ListImages: pending('ListImages'),
    ImageStatus: pending('ImageStatus'),
    PullImage: pending('PullImage'),
    RemoveImage: pending('RemoveImage'),
  };
}
