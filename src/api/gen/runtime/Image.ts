// Original file: proto/api.proto

import type { Long } from '@grpc/proto-loader';

export interface Image {
  'id'?: (string);
  'repo_tags'?: (string)[];
  'repo_digests'?: (string)[];
  'size'?: (number | string | Long);
}

export interface Image__Output {
  'id'?: (string);
  'repo_tags': (string)[];
  'repo_digests': (string)[];
  'size'?: (string);
}
