// Original file: proto/api.proto

import type { PodSandbox as _runtime_PodSandbox, PodSandbox__Output as _runtime_PodSandbox__Output } from '../runtime/PodSandbox.js';

export interface ListPodSandboxResponse {
  'items'?: (_runtime_PodSandbox)[];
}

export interface ListPodSandboxResponse__Output {
  'items': (_runtime_PodSandbox__Output)[];
}
