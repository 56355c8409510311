// Original file: proto/api.proto

import type { LinuxContainerResources as _runtime_LinuxContainerResources, LinuxContainerResources__Output as _runtime_LinuxContainerResources__Output } from '../runtime/LinuxContainerResources.js';
import type { Capability as _runtime_Capability, Capability__Output as _runtime_Capability__Output } from '../runtime/Capability.js';
import type { SELinuxOption as _runtime_SELinuxOption, SELinuxOption__Output as _runtime_SELinuxOption__Output } from '../runtime/SELinuxOption.js';
import type { LinuxUser as _runtime_LinuxUser, LinuxUser__Output as _runtime_LinuxUser__Output } from '../runtime/LinuxUser.js';

export interface LinuxContainerConfig {
  'resources'?: (_runtime_LinuxContainerResources | null);
  'capabilities'?: (_runtime_Capability | null);
  'selinux_options'?: (_runtime_SELinuxOption | null);
  'user'?: (_runtime_LinuxUser | null);
}

export interface LinuxContainerConfig__Output {
  'resources'?: (_runtime_LinuxContainerResources__Output);
  'capabilities'?: (_runtime_Capability__Output);
  'selinux_options'?: (_runtime_SELinuxOption__Output);
  'user'?: (_runtime_LinuxUser__Output);
}
