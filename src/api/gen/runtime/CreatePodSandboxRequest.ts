// Original file: proto/api.proto

import type { PodSandboxConfig as _runtime_PodSandboxConfig, PodSandboxConfig__Output as _runtime_PodSandboxConfig__Output } from '../runtime/PodSandboxConfig.js';

export interface CreatePodSandboxRequest {
  'config'?: (_runtime_PodSandboxConfig | null);
}

export interface CreatePodSandboxRequest__Output {
  'config'?: (_runtime_PodSandboxConfig__Output);
}
