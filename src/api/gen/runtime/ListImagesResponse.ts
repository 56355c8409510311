// Original file: proto/api.proto

import type { Image as _runtime_Image, Image__Output as _runtime_Image__Output } from '../runtime/Image.js';

export interface ListImagesResponse {
  'images'?: (_runtime_Image)[];
}

export interface ListImagesResponse__Output {
  'images': (_runtime_Image__Output)[];
}
