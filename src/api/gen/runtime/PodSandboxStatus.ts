// Original file: proto/api.proto

import type { PodSandboxMetadata as _runtime_PodSandboxMetadata, PodSandboxMetadata__Output as _runtime_PodSandboxMetadata__Output } from '../runtime/PodSandboxMetadata.js';
import type { PodSandBoxState as _runtime_PodSandBoxState, PodSandBoxState__Output as _runtime_PodSandBoxState__Output } from '../runtime/PodSandBoxState.js';
import type { PodSandboxNetworkStatus as _runtime_PodSandboxNetworkStatus, PodSandboxNetworkStatus__Output as _runtime_PodSandboxNetworkStatus__Output } from '../runtime/PodSandboxNetworkStatus.js';
import type { LinuxPodSandboxStatus as _runtime_LinuxPodSandboxStatus, LinuxPodSandboxStatus__Output as _runtime_LinuxPodSandboxStatus__Output } from '../runtime/LinuxPodSandboxStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface PodSandboxStatus {
  'id'?: (string);
  'metadata'?: (_runtime_PodSandboxMetadata | null);
  'state'?: (_runtime_PodSandBoxState);
  'created_at'?: (number | string | Long);
  'network'?: (_runtime_PodSandboxNetworkStatus | null);
  'linux'?: (_runtime_LinuxPodSandboxStatus | null);
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
}

export interface PodSandboxStatus__Output {
  'id'?: (string);
  'metadata'?: (_runtime_PodSandboxMetadata__Output);
  'state'?: (_runtime_PodSandBoxState__Output);
  'created_at'?: (string);
  'network'?: (_runtime_PodSandboxNetworkStatus__Output);
  'linux'?: (_runtime_LinuxPodSandboxStatus__Output);
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
}
