// Original file: proto/api.proto


export interface DNSOption {
  'servers'?: (string)[];
  'searches'?: (string)[];
}

export interface DNSOption__Output {
  'servers': (string)[];
  'searches': (string)[];
}
