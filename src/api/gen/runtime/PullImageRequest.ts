// Original file: proto/api.proto

import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from '../runtime/ImageSpec.js';
import type { AuthConfig as _runtime_AuthConfig, AuthConfig__Output as _runtime_AuthConfig__Output } from '../runtime/AuthConfig.js';
import type { PodSandboxConfig as _runtime_PodSandboxConfig, PodSandboxConfig__Output as _runtime_PodSandboxConfig__Output } from '../runtime/PodSandboxConfig.js';

export interface PullImageRequest {
  'image'?: (_runtime_ImageSpec | null);
  'auth'?: (_runtime_AuthConfig | null);
  'sandbox_config'?: (_runtime_PodSandboxConfig | null);
}

export interface PullImageRequest__Output {
  'image'?: (_runtime_ImageSpec__Output);
  'auth'?: (_runtime_AuthConfig__Output);
  'sandbox_config'?: (_runtime_PodSandboxConfig__Output);
}
