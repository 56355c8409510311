// Original file: proto/api.proto

import type { ContainerFilter as _runtime_ContainerFilter, ContainerFilter__Output as _runtime_ContainerFilter__Output } from '../runtime/ContainerFilter.js';

export interface ListContainersRequest {
  'filter'?: (_runtime_ContainerFilter | null);
}

export interface ListContainersRequest__Output {
  'filter'?: (_runtime_ContainerFilter__Output);
}
