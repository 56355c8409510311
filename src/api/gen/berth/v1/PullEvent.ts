// Original file: proto/berth.proto

import type { LayerProgress as _berth_v1_LayerProgress, LayerProgress__Output as _berth_v1_LayerProgress__Output } from '../../berth/v1/LayerProgress.js';
import type { Long } from '@grpc/proto-loader';

export interface PullEvent {
  'image'?: (string);
  'layers'?: (_berth_v1_LayerProgress)[];
  'total'?: (number | string | Long);
  'done'?: (number | string | Long);
  'finished'?: (boolean);
  'error'?: (string);
  'started_at_ms'?: (number | string | Long);
}

export interface PullEvent__Output {
  'image'?: (string);
  'layers': (_berth_v1_LayerProgress__Output)[];
  'total'?: (string);
  'done'?: (string);
  'finished'?: (boolean);
  'error'?: (string);
  'started_at_ms'?: (string);
}
