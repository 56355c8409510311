// Original file: proto/berth.proto


export interface LogPathRequest {
  'container_id'?: (string);
}

export interface LogPathRequest__Output {
  'container_id'?: (string);
}
