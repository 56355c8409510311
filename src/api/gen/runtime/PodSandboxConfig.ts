// Original file: proto/api.proto

import type { PodSandboxMetadata as _runtime_PodSandboxMetadata, PodSandboxMetadata__Output as _runtime_PodSandboxMetadata__Output } from '../runtime/PodSandboxMetadata.js';
import type { DNSOption as _runtime_DNSOption, DNSOption__Output as _runtime_DNSOption__Output } from '../runtime/DNSOption.js';
import type { PortMapping as _runtime_PortMapping, PortMapping__Output as _runtime_PortMapping__Output } from '../runtime/PortMapping.js';
import type { LinuxPodSandboxConfig as _runtime_LinuxPodSandboxConfig, LinuxPodSandboxConfig__Output as _runtime_LinuxPodSandboxConfig__Output } from '../runtime/LinuxPodSandboxConfig.js';

export interface PodSandboxConfig {
  'metadata'?: (_runtime_PodSandboxMetadata | null);
  'hostname'?: (string);
  'log_directory'?: (string);
  'dns_options'?: (_runtime_DNSOption | null);
  'port_mappings'?: (_runtime_PortMapping)[];
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
  'linux'?: (_runtime_LinuxPodSandboxConfig | null);
}

export interface PodSandboxConfig__Output {
  'metadata'?: (_runtime_PodSandboxMetadata__Output);
  'hostname'?: (string);
  'log_directory'?: (string);
  'dns_options'?: (_runtime_DNSOption__Output);
  'port_mappings': (_runtime_PortMapping__Output)[];
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
  'linux'?: (_runtime_LinuxPodSandboxConfig__Output);
}
