import type { PullImageRequest__Output } from '../gen/v1/runtime/v1/PullImageRequest.js';
import type { PullImageResponse } from '../gen/v1/runtime/v1/PullImageResponse.js';
import { credentialsArg, imageRefArg } from '../validate.js';
import type { V1Deps } from './deps.js';

/**
 * `auth.server_address` names the registry the kubelet found the
 * credentials for, which is the image's own; `image_ref` is the image id,
 * which ImageStatus and ContainerStatus report too.
 */
export function pullImage(d: V1Deps) {
  return async (req: PullImageRequest__Output): Promise<PullImageResponse> => {
    const img = await d.images.pull(imageRefArg(req.image?.image, 'image.image'), credentialsArg(req.auth));
    return { image_ref: img.id };
  };
}
