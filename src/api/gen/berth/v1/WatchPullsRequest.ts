// Original file: proto/berth.proto


export interface WatchPullsRequest {
  'image'?: (string);
}

export interface WatchPullsRequest__Output {
  'image'?: (string);
}
