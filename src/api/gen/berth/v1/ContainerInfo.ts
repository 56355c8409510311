// Original file: proto/berth.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { LogPathRequest as _berth_v1_LogPathRequest, LogPathRequest__Output as _berth_v1_LogPathRequest__Output } from '../../berth/v1/LogPathRequest.js';
import type { LogPathResponse as _berth_v1_LogPathResponse, LogPathResponse__Output as _berth_v1_LogPathResponse__Output } from '../../berth/v1/LogPathResponse.js';

export interface ContainerInfoClient extends grpc.Client {
  LogPath(argument: _berth_v1_LogPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  LogPath(argument: _berth_v1_LogPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  LogPath(argument: _berth_v1_LogPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  LogPath(argument: _berth_v1_LogPathRequest, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  logPath(argument: _berth_v1_LogPathRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  logPath(argument: _berth_v1_LogPathRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  logPath(argument: _berth_v1_LogPathRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  logPath(argument: _berth_v1_LogPathRequest, callback: grpc.requestCallback<_berth_v1_LogPathResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ContainerInfoHandlers extends grpc.UntypedServiceImplementation {
  LogPath: grpc.handleUnaryCall<_berth_v1_LogPathRequest__Output, _berth_v1_LogPathResponse>;
  
}

export interface ContainerInfoDefinition extends grpc.ServiceDefinition {
  LogPath: MethodDefinition<_berth_v1_LogPathRequest, _berth_v1_LogPathResponse, _berth_v1_LogPathRequest__Output, _berth_v1_LogPathResponse__Output>
}
