// Original file: proto/api.proto

import type { ContainerMetadata as _runtime_ContainerMetadata, ContainerMetadata__Output as _runtime_ContainerMetadata__Output } from '../runtime/ContainerMetadata.js';
import type { ImageSpec as _runtime_ImageSpec, ImageSpec__Output as _runtime_ImageSpec__Output } from '../runtime/ImageSpec.js';
import type { KeyValue as _runtime_KeyValue, KeyValue__Output as _runtime_KeyValue__Output } from '../runtime/KeyValue.js';
import type { Mount as _runtime_Mount, Mount__Output as _runtime_Mount__Output } from '../runtime/Mount.js';
import type { LinuxContainerConfig as _runtime_LinuxContainerConfig, LinuxContainerConfig__Output as _runtime_LinuxContainerConfig__Output } from '../runtime/LinuxContainerConfig.js';

export interface ContainerConfig {
  'metadata'?: (_runtime_ContainerMetadata | null);
  'image'?: (_runtime_ImageSpec | null);
  'command'?: (string)[];
  'args'?: (string)[];
  'working_dir'?: (string);
  'envs'?: (_runtime_KeyValue)[];
  'mounts'?: (_runtime_Mount)[];
  'labels'?: ({[key: string]: string});
  'annotations'?: ({[key: string]: string});
  'privileged'?: (boolean);
  'readonly_rootfs'?: (boolean);
  'log_path'?: (string);
  'stdin'?: (boolean);
  'stdin_once'?: (boolean);
  'tty'?: (boolean);
  'linux'?: (_runtime_LinuxContainerConfig | null);
}

export interface ContainerConfig__Output {
  'metadata'?: (_runtime_ContainerMetadata__Output);
  'image'?: (_runtime_ImageSpec__Output);
  'command': (string)[];
  'args': (string)[];
  'working_dir'?: (string);
  'envs': (_runtime_KeyValue__Output)[];
  'mounts': (_runtime_Mount__Output)[];
  'labels': ({[key: string]: string});
  'annotations': ({[key: string]: string});
  'privileged'?: (boolean);
  'readonly_rootfs'?: (boolean);
  'log_path'?: (string);
  'stdin'?: (boolean);
  'stdin_once'?: (boolean);
  'tty'?: (boolean);
  'linux'?: (_runtime_LinuxContainerConfig__Output);
}
