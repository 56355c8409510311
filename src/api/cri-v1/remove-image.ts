import type { RemoveImageRequest__Output } from '../gen/v1/runtime/v1/RemoveImageRequest.js';
import { imageRefArg } from '../validate.js';
import type { V1Deps } from './deps.js';

/**
 * v1 removes the image with all its tags, whichever name it is given
 * (the seed's RemoveImage by tag drops only that tag). Gone: nothing to do.
 */
export function removeImage(d: V1Deps) {
  return (req: RemoveImageRequest__Output): object => {
    const img = d.images.find(imageRefArg(req.image?.image, 'image.image'));
    if (img) d.images.remove(img.id);
    return {};
  };
}
