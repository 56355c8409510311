// Original file: proto/api.proto

import type { Namespace as _runtime_Namespace, Namespace__Output as _runtime_Namespace__Output } from '../runtime/Namespace.js';

export interface LinuxPodSandboxStatus {
  'namespaces'?: (_runtime_Namespace | null);
}

export interface LinuxPodSandboxStatus__Output {
  'namespaces'?: (_runtime_Namespace__Output);
}
