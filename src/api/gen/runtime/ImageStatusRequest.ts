// Original file: proto/api.proto

import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from '../runtime/ImageSpec.js';

export interface ImageStatusRequest {
  'image'?: (_runtime_ImageSpec | null);
}

export interface ImageStatusRequest__Output {
  'image'?: (_runtime_ImageSpec__Output);
}
