// Original file: proto/api.proto

import type { PodSandboxMetadata as _runtime_PodSandboxMetadata, PodSandboxMetadata__Output as _runtime_PodSandboxMetadata__Output } from '../runtime/PodSandboxMetadata.js';
import type { PodSandBoxState as _runtime_PodSandBoxState, PodSandBoxState__Output as _runtime_PodSandBoxState__Output } from '../runtime/PodSandBoxState.js';
import type { Long } from '@grpc/proto-loader';

export interface PodSandbox {
  'id'?: (string);
  'metadata'?: (_runtime_PodSandboxMetadata | null);
  'state'?: (_runtime_PodSandBoxState);
  'created_at'?: (number | string | Long);
  'labels'?: ({[key: string]: string});
}

export interface PodSandbox__Output {
  'id'?: (string);
  'metadata'?: (_runtime_PodSandboxMetadata__Output);
  'state'?: (_runtime_PodSandBoxState__Output);
  'created_at'?: (string);
  'labels': ({[key: string]: string});
}
