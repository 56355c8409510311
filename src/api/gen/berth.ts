import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { ContainerInfoClient as _berth_v1_ContainerInfoClient, ContainerInfoDefinition as _berth_v1_ContainerInfoDefinition } from './berth/v1/ContainerInfo.js';
import type { LayerProgress as _berth_v1_LayerProgress, LayerProgress__Output as _berth_v1_LayerProgress__Output } from './berth/v1/LayerProgress.js';
import type { LogPathRequest as _berth_v1_LogPathRequest, LogPathRequest__Output as _berth_v1_LogPathRequest__Output } from './berth/v1/LogPathRequest.js';
import type { LogPathResponse as _berth_v1_LogPathResponse, LogPathResponse__Output as _berth_v1_LogPathResponse__Output } from './berth/v1/LogPathResponse.js';
import type { PullEvent as _berth_v1_PullEvent, PullEvent__Output as _berth_v1_PullEvent__Output } from './berth/v1/PullEvent.js';
import type { PullProgressClient as _berth_v1_PullProgressClient, PullProgressDefinition as _berth_v1_PullProgressDefinition } from './berth/v1/PullProgress.js';
import type { WatchPullsRequest as _berth_v1_WatchPullsRequest, WatchPullsRequest__Output as _berth_v1_WatchPullsRequest__Output } from './berth/v1/WatchPullsRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  berth: {
    v1: {
      ContainerInfo: SubtypeConstructor<typeof grpc.Client, _berth_v1_ContainerInfoClient> & { service: _berth_v1_ContainerInfoDefinition }
      LayerProgress: MessageTypeDefinition<_berth_v1_LayerProgress, _berth_v1_LayerProgress__Output>
      LogPathRequest: MessageTypeDefinition<_berth_v1_LogPathRequest, _berth_v1_LogPathRequest__Output>
      LogPathResponse: MessageTypeDefinition<_berth_v1_LogPathResponse, _berth_v1_LogPathResponse__Output>
      PullEvent: MessageTypeDefinition<_berth_v1_PullEvent, _berth_v1_PullEvent__Output>
      PullProgress: SubtypeConstructor<typeof grpc.Client, _berth_v1_PullProgressClient> & { service: _berth_v1_PullProgressDefinition }
      WatchPullsRequest: MessageTypeDefinition<_berth_v1_WatchPullsRequest, _berth_v1_WatchPullsRequest__Output>
    }
  }
}

