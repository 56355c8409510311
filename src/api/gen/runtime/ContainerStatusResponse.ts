// Original file: proto/api.proto

import type { ContainerStatus as _runtime_ContainerStatus, ContainerStatus__Output as _runtime_ContainerStatus__Output } from '../runtime/ContainerStatus.js';

export interface ContainerStatusResponse {
  'status'?: (_runtime_ContainerStatus | null);
}

export interface ContainerStatusResponse__Output {
  'status'?: (_runtime_ContainerStatus__Output);
}
