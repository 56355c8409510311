// Original file: proto/api.proto


export interface ExecRequest {
  'container_id'?: (string);
  'cmd'?: (string)[];
  'tty'?: (boolean);
  'stdin'?: (Buffer | Uint8Array | string);
}

export interface ExecRequest__Output {
  'container_id'?: (string);
  'cmd': (string)[];
  'tty'?: (boolean);
  'stdin'?: (Buffer);
}
