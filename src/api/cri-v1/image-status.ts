import type { ImageStatusRequest__Output } from '../gen/v1/runtime/v1/ImageStatusRequest.js';
import type { ImageStatusResponse } from '../gen/v1/runtime/v1/ImageStatusResponse.js';
import { imageRefArg } from '../validate.js';
import { imageInfo, toV1Image } from './image-messages.js';
import type { V1Deps } from './deps.js';

/** An absent image is a response without `image`, not an error. */
export function imageStatus(d: V1Deps) {
  return (req: ImageStatusRequest__Output): ImageStatusResponse => {
    const img = d.images.find(imageRefArg(req.image?.image, 'image.image'));
    if (!img) return {};
    return req.verbose ? { image: toV1Image(img), info: imageInfo(img) } : { image: toV1Image(img) };
  };
}
