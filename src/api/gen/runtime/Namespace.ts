// Original file: proto/api.proto

import type { NamespaceOption as _runtime_NamespaceOption, NamespaceOption__Output as _runtime_NamespaceOption__Output } from '../runtime/NamespaceOption.js';

export interface Namespace {
  'network'?: (string);
  'options'?: (_runtime_NamespaceOption | null);
}

export interface Namespace__Output {
  'network'?: (string);
  'options'?: (_runtime_NamespaceOption__Output);
}
