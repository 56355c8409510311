// Original file: proto/berth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { PullEvent as _berth_v1_PullEvent, PullEvent__Output as _berth_v1_PullEvent__Output } from '../../berth/v1/PullEvent.js';
import type { WatchPullsRequest as _berth_v1_WatchPullsRequest, WatchPullsRequest__Output as _berth_v1_WatchPullsRequest__Output } from '../../berth/v1/WatchPullsRequest.js';

export interface PullProgressClient extends grpc.Client {
  Watch(argument: _berth_v1_WatchPullsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_berth_v1_PullEvent__Output>;
  Watch(argument: _berth_v1_WatchPullsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_berth_v1_PullEvent__Output>;
  watch(argument: _berth_v1_WatchPullsRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_berth_v1_PullEvent__Output>;
  watch(argument: _berth_v1_WatchPullsRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_berth_v1_PullEvent__Output>;
  
}

export interface PullProgressHandlers extends grpc.UntypedServiceImplementation {
  Watch: grpc.handleServerStreamingCall<_berth_v1_WatchPullsRequest__Output, _berth_v1_PullEvent>;
  
}

export interface PullProgressDefinition extends grpc.ServiceDefinition {
  Watch: MethodDefinition<_berth_v1_WatchPullsRequest, _berth_v1_PullEvent, _berth_v1_WatchPullsRequest__Output, _berth_v1_PullEvent__Output>
}
