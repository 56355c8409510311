// Original file: proto/api.proto

import type { Container as _runtime_Container, Container__Output as _runtime_Container__Output } from '../runtime/Container.js';

export interface ListContainersResponse {
  'containers'?: (_runtime_Container)[];
}

export interface ListContainersResponse__Output {
  'containers': (_runtime_Container__Output)[];
}
