// Original file: proto/api.proto

import type { ImageFilter as _runtime_ImageFilter, ImageFilter__Output as _runtime_ImageFilter__Output } from '../runtime/ImageFilter.js';

export interface ListImagesRequest {
  'filter'?: (_runtime_ImageFilter | null);
}

export interface ListImagesRequest__Output {
  'filter'?: (_runtime_ImageFilter__Output);
}
