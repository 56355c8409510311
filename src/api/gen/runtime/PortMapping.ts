// Original file: proto/api.proto

import type { Protocol as _runtime_Protocol, Protocol__Output as _runtime_Protocol__Output } from '../runtime/Protocol.js';

export interface PortMapping {
  'name'?: (string);
  'protocol'?: (_runtime_Protocol);
  'container_port'?: (number);
  'host_port'?: (number);
  'host_ip'?: (string);
}

export interface PortMapping__Output {
  'name'?: (string);
  'protocol'?: (_runtime_Protocol__Output);
  'container_port'?: (number);
  'host_port'?: (number);
  'host_ip'?: (string);
}
