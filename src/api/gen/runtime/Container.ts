// Original file: proto/api.proto

import type { ContainerMetadata as _runtime_ContainerMetadata, ContainerMetadata__Output as _runtime_ContainerMetadata__Output } from '../runtime/ContainerMetadata.js';
import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from '../runtime/ImageSpec.js';
import type { ContainerState as _runtime_ContainerState, ContainerState__Output as _runtime_ContainerState__Output } from '../runtime/ContainerState.js';

export interface Container {
  'id'?: (string);
  'metadata'?: (_runtime_ContainerMetadata | null);
  'image'?: (_runtime_ImageSpec | null);
  'image_ref'?: (string);
  'state'?: (_runtime_ContainerState);
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
}

export interface Container__Output {
  'id'?: (string);
  'metadata'?: (_runtime_ContainerMetadata__Output);
  'image'?: (_runtime_ImageSpec__Output);
  'image_ref'?: (string);
  'state'?: (_runtime_ContainerState__Output);
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
}
