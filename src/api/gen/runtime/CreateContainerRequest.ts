// Original file: proto/api.proto

import type { ContainerConfig as _runtime_ContainerConfig, ContainerConfig__Output as _runtime_ContainerConfig__Output } from '../runtime/ContainerConfig.js';
import type { PodSandboxConfig as _runtime_PodSandboxConfig, PodSandboxConfig__Output as _runtime_PodSandboxConfig__Output } from '../runtime/PodSandboxConfig.js';

export interface CreateContainerRequest {
  'pod_sandbox_id'?: (string);
  'config'?: (_runtime_ContainerConfig | null);
  'sandbox_config'?: (_runtime_PodSandboxConfig | null);
}

export interface CreateContainerRequest__Output {
  'pod_sandbox_id'?: (string);
  'config'?: (_runtime_ContainerConfig__Output);
  'sandbox_config'?: (_runtime_PodSandboxConfig__Output);
}
