// Original file: proto/api.proto


export interface ExecResponse {
  'stdout'?: (Buffer | Uint8Array | string);
  'stderr'?: (Buffer | Uint8Array | string);
}

export interface ExecResponse__Output {
  'stdout'?: (Buffer);
  'stderr'?: (Buffer);
}
