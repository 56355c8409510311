// Original file: proto/api.proto


export interface NamespaceOption {
  'host_network'?: (boolean);
  'host_pid'?: (boolean);
  'host_ipc'?: (boolean);
}

export interface NamespaceOption__Output {
  'host_network'?: (boolean);
  'host_pid'?: (boolean);
  'host_ipc'?: (boolean);
}
