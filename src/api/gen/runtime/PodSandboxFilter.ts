// Original file: proto/api.proto

import type { PodSandBoxState as _runtime_PodSandBoxState, PodSandBoxState__Output as _runtime_PodSandBoxState__Output } from '../runtime/PodSandBoxState.js';

export interface PodSandboxFilter {
  'name'?: (string);
  'id'?: (string);
  'state'?: (_runtime_PodSandBoxState);
  'label_selector'?: ({[key: string]: string});
}

export interface PodSandboxFilter__Output {
  'name'?: (string);
  'id'?: (string);
  'state'?: (_runtime_PodSandBoxState__Output);
  'label_selector': ({[key: string]: string});
}
