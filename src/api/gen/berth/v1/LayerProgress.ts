// Original file: proto/berth.proto

import type { Long } from '@grpc/proto-loader';

export interface LayerProgress {
  'digest'?: (string);
  'size'?: (number | string | Long);
  'done'?: (number | string | Long);
  'phase'?: (string);
}

export interface LayerProgress__Output {
  'digest'?: (string);
  'size'?: (string);
  'done'?: (string);
  'phase'?: (string);
}
