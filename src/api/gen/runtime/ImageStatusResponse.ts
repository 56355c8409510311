// Original file: proto/api.proto

import type { Image as _runtime_Image, Image__Output as _runtime_Image__Output } from '../runtime/Image.js';

export interface ImageStatusResponse {
  'image'?: (_runtime_Image | null);
}

export interface ImageStatusResponse__Output {
  'image'?: (_runtime_Image__Output);
}
