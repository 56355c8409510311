// Original file: proto/api.proto

import type { PodSandboxFilter as _runtime_PodSandboxFilter, PodSandboxFilter__Output as _runtime_PodSandboxFilter__Output } from '../runtime/PodSandboxFilter.js';

export interface ListPodSandboxRequest {
  'filter'?: (_runtime_PodSandboxFilter | null);
}

export interface ListPodSandboxRequest__Output {
  'filter'?: (_runtime_PodSandboxFilter__Output);
}
