// Original file: proto/berth.proto


export interface LogPathResponse {
  'path'?: (string);
  'state'?: (string);
}

export interface LogPathResponse__Output {
  'path'?: (string);
  'state'?: (string);
}
