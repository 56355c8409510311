// Original file: proto/api.proto

import type { PodSandboxStatus as _runtime_PodSandboxStatus, PodSandboxStatus__Output as _runtime_PodSandboxStatus__Output } from '../runtime/PodSandboxStatus.js';

export interface PodSandboxStatusResponse {
  'status'?: (_runtime_PodSandboxStatus | null);
}

export interface PodSandboxStatusResponse__Output {
  'status'?: (_runtime_PodSandboxStatus__Output);
}
