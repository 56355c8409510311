// Original file: proto/api.proto

import type { Long } from '@grpc/proto-loader';

export interface LinuxUser {
  'uid'?: (number | string | Long);
  'gid'?: (number | string | Long);
  'additional_gids'?: (number | string | Long)[];
}

export interface LinuxUser__Output {
  'uid'?: (string);
  'gid'?: (string);
  'additional_gids': (string)[];
}
