// Original file: proto/api.proto

import type { NamespaceOption as _runtime_NamespaceOption, NamespaceOption__Output as _runtime_NamespaceOption__Output } from '../runtime/NamespaceOption.js';

export interface LinuxPodSandboxConfig {
  'cgroup_parent'?: (string);
  'namespace_options'?: (_runtime_NamespaceOption | null);
}

export interface LinuxPodSandboxConfig__Output {
  'cgroup_parent'?: (string);
  'namespace_options'?: (_runtime_NamespaceOption__Output);
}
