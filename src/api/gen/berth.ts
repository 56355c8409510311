import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { LayerProgress as _berth_v1_LayerProgress, LayerProgress__Output as _berth_v1_LayerProgress__Output } from './berth/v1/LayerProgress.js';
import type { PullEvent as _berth_v1_PullEvent, PullEvent__Output as _berth_v1_PullEvent__Output } from './berth/v1/PullEvent.js';
import type { PullProgressClient as _berth_v1_PullProgressClient, PullProgressDefinition as _berth_v1_PullProgressDefinition } from './berth/v1/PullProgress.js';
import type { WatchPullsRequest as _berth_v1_WatchPullsRequest, WatchPullsRequest__Output as _berth_v1_WatchPullsRequest__Output } from './berth/v1/WatchPullsRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  berth: {
    v1: {
      LayerProgress: MessageTypeDefinition<_berth_v1_LayerProgress, _berth_v1_LayerProgress__Output>
      PullEvent: MessageTypeDefinition<_berth_v1_PullEvent, _berth_v1_PullEvent__Output>
      PullProgress: SubtypeConstructor<typeof grpc.Client, _berth_v1_PullProgressClient> & { service: _berth_v1_PullProgressDefinition }
      WatchPullsRequest: MessageTypeDefinition<_berth_v1_WatchPullsRequest, _berth_v1_WatchPullsRequest__Output>
    }
  }
}

