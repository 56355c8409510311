// Original file: proto/api.proto

import type { ContainerState as _runtime_ContainerState, ContainerState__Output as _runtime_ContainerState__Output } from '../runtime/ContainerState.js';

export interface ContainerFilter {
  'name'?: (string);
  'id'?: (string);
  'state'?: (_runtime_ContainerState);
  'pod_sandbox_id'?: (string);
  'label_selector'?: ({[key: string]: string});
}

export interface ContainerFilter__Output {
  'name'?: (string);
  'id'?: (string);
  'state'?: (_runtime_ContainerState__Output);
  'pod_sandbox_id'?: (string);
  'label_selector': ({[key: string]: string});
}
