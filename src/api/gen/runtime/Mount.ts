// Original file: proto/api.proto


export interface Mount {
  'name'?: (string);
  'container_path'?: (string);
  'host_path'?: (string);
  'readonly'?: (boolean);
  'selinux_relabel'?: (boolean);
}

export interface Mount__Output {
  'name'?: (string);
  'container_path'?: (string);
  'host_path'?: (string);
  'readonly'?: (boolean);
  'selinux_relabel'?: (boolean);
}
