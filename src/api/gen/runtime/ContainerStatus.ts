// Original file: proto/api.proto

import type { ContainerMetadata as _runtime_ContainerMetadata, ContainerMetadata__Output as _runtime_ContainerMetadata__Output } from '../runtime/ContainerMetadata.js';
import type { ContainerState as _runtime_ContainerState, ContainerState__Output as _runtime_ContainerState__Output } from '../runtime/ContainerState.js';
import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from '../runtime/ImageSpec.js';
import type { Mount as _runtime_Mount, Mount__Output as _runtime_Mount__Output } from '../runtime/Mount.js';
import type { Long } from '@grpc/proto-loader';

export interface ContainerStatus {
  'id'?: (string);
  'metadata'?: (_runtime_ContainerMetadata | null);
  'state'?: (_runtime_ContainerState);
  'created_at'?: (number | string | Long);
  'started_at'?: (number | string | Long);
  'finished_at'?: (number | string | Long);
  'exit_code'?: (number);
  'image'?: (_runtime_ImageSpec | null);
  'image_ref'?: (string);
  'reason'?: (string);
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
  'mounts'?: (_runtime_Mount)[];
}

export interface ContainerStatus__Output {
  'id'?: (string);
  'metadata'?: (_runtime_ContainerMetadata__Output);
  'state'?: (_runtime_ContainerState__Output);
  'created_at'?: (string);
  'started_at'?: (string);
  'finished_at'?: (string);
  'exit_code'?: (number);
  'image'?: (_runtime_ImageSpec__Output);
  'image_ref'?: (string);
  'reason'?: (string);
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
  'mounts': (_runtime_Mount__Output)[];
}
