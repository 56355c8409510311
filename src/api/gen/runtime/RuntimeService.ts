// Original file: proto/api.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ContainerStatusRequest as _runtime_ContainerStatusRequest, ContainerStatusRequest__Output as _runtime_ContainerStatusRequest__Output } from '../runtime/ContainerStatusRequest.js';
import type { ContainerStatusResponse as _runtime_ContainerStatusResponse, ContainerStatusResponse__Output as _runtime_ContainerStatusResponse__Output } from '../runtime/ContainerStatusResponse.js';
import type { CreateContainerRequest as _runtime_CreateContainerRequest, CreateContainerRequest__Output as _runtime_CreateContainerRequest__Output } from '../runtime/CreateContainerRequest.js';
import type { CreateContainerResponse as _runtime_CreateContainerResponse, CreateContainerResponse__Output as _runtime_CreateContainerResponse__Output } from '../runtime/CreateContainerResponse.js';
import type { CreatePodSandboxRequest as _runtime_CreatePodSandboxRequest, CreatePodSandboxRequest__Output as _runtime_CreatePodSandboxRequest__Output } from '../runtime/CreatePodSandboxRequest.js';
import type { CreatePodSandboxResponse as _runtime_CreatePodSandboxResponse, CreatePodSandboxResponse__Output as _runtime_CreatePodSandboxResponse__Output } from '../runtime/CreatePodSandboxResponse.js';
import type { ExecRequest as _runtime_ExecRequest, ExecRequest__Output as _runtime_ExecRequest__Output } from '../runtime/ExecRequest.js';
import type { ExecResponse as _runtime_ExecResponse, ExecResponse__Output as _runtime_ExecResponse__Output } from '../runtime/ExecResponse.js';
import type { ListContainersRequest as _runtime_ListContainersRequest, ListContainersRequest__Output as _runtime_ListContainersRequest__Output } from '../runtime/ListContainersRequest.js';
import type { ListContainersResponse as _runtime_ListContainersResponse, ListContainersResponse__Output as _runtime_ListContainersResponse__Output } from '../runtime/ListContainersResponse.js';
import type { ListPodSandboxRequest as _runtime_ListPodSandboxRequest, ListPodSandboxRequest__Output as _runtime_ListPodSandboxRequest__Output } from '../runtime/ListPodSandboxRequest.js';
import type { ListPodSandboxResponse as _runtime_ListPodSandboxResponse, ListPodSandboxResponse__Output as _runtime_ListPodSandboxResponse__Output } from '../runtime/ListPodSandboxResponse.js';
import type { PodSandboxStatusRequest as _runtime_PodSandboxStatusRequest, PodSandboxStatusRequest__Output as _runtime_PodSandboxStatusRequest__Output } from '../runtime/PodSandboxStatusRequest.js';
import type { PodSandboxStatusResponse as _runtime_PodSandboxStatusResponse, PodSandboxStatusResponse__Output as _runtime_PodSandboxStatusResponse__Output } from '../runtime/PodSandboxStatusResponse.js';
import type { RemoveContainerRequest as _runtime_RemoveContainerRequest, RemoveContainerRequest__Output as _runtime_RemoveContainerRequest__Output } from '../runtime/RemoveContainerRequest.js';
import type { RemoveContainerResponse as _runtime_RemoveContainerResponse, RemoveContainerResponse__Output as _runtime_RemoveContainerResponse__Output } from '../runtime/RemoveContainerResponse.js';
import type { RemovePodSandboxRequest as _runtime_RemovePodSandboxRequest, RemovePodSandboxRequest__Output as _runtime_RemovePodSandboxRequest__Output } from '../runtime/RemovePodSandboxRequest.js';
import type { RemovePodSandboxResponse as _runtime_RemovePodSandboxResponse, RemovePodSandboxResponse__Output as _runtime_RemovePodSandboxResponse__Output } from '../runtime/RemovePodSandboxResponse.js';
import type { StartContainerRequest as _runtime_StartContainerRequest, StartContainerRequest__Output as _runtime_StartContainerRequest__Output } from '../runtime/StartContainerRequest.js';
import type { StartContainerResponse as _runtime_StartContainerResponse, StartContainerResponse__Output as _runtime_StartContainerResponse__Output } from '../runtime/StartContainerResponse.js';
import type { StopContainerRequest as _runtime_StopContainerRequest, StopContainerRequest__Output as _runtime_StopContainerRequest__Output } from '../runtime/StopContainerRequest.js';
import type { StopContainerResponse as _runtime_StopContainerResponse, StopContainerResponse__Output as _runtime_StopContainerResponse__Output } from '../runtime/StopContainerResponse.js';
import type { StopPodSandboxRequest as _runtime_StopPodSandboxRequest, StopPodSandboxRequest__Output as _runtime_StopPodSandboxRequest__Output } from '../runtime/StopPodSandboxRequest.js';
import type { StopPodSandboxResponse as _runtime_StopPodSandboxResponse, StopPodSandboxResponse__Output as _runtime_StopPodSandboxResponse__Output } from '../runtime/StopPodSandboxResponse.js';
import type { VersionRequest as _runtime_VersionRequest, VersionRequest__Output as _runtime_VersionRequest__Output } from '../runtime/VersionRequest.js';
import type { VersionResponse as _runtime_VersionResponse, VersionResponse__Output as _runtime_VersionResponse__Output } from '../runtime/VersionResponse.js';

export interface RuntimeServiceClient extends grpc.Client {
  ContainerStatus(argument: _runtime_ContainerStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  ContainerStatus(argument: _runtime_ContainerStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  ContainerStatus(argument: _runtime_ContainerStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  ContainerStatus(argument: _runtime_ContainerStatusRequest, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  containerStatus(argument: _runtime_ContainerStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  containerStatus(argument: _runtime_ContainerStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  containerStatus(argument: _runtime_ContainerStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  containerStatus(argument: _runtime_ContainerStatusRequest, callback: grpc.requestCallback<_runtime_ContainerStatusResponse__Output>): grpc.ClientUnaryCall;
  
  CreateContainer(argument: _runtime_CreateContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CreateContainer(argument: _runtime_CreateContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CreateContainer(argument: _runtime_CreateContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  CreateContainer(argument: _runtime_CreateContainerRequest, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  createContainer(argument: _runtime_CreateContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  createContainer(argument: _runtime_CreateContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  createContainer(argument: _runtime_CreateContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  createContainer(argument: _runtime_CreateContainerRequest, callback: grpc.requestCallback<_runtime_CreateContainerResponse__Output>): grpc.ClientUnaryCall;
  
  CreatePodSandbox(argument: _runtime_CreatePodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  CreatePodSandbox(argument: _runtime_CreatePodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  CreatePodSandbox(argument: _runtime_CreatePodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  CreatePodSandbox(argument: _runtime_CreatePodSandboxRequest, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  createPodSandbox(argument: _runtime_CreatePodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  createPodSandbox(argument: _runtime_CreatePodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  createPodSandbox(argument: _runtime_CreatePodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  createPodSandbox(argument: _runtime_CreatePodSandboxRequest, callback: grpc.requestCallback<_runtime_CreatePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  
  Exec(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_runtime_ExecRequest, _runtime_ExecResponse__Output>;
  Exec(options?: grpc.CallOptions): grpc.ClientDuplexStream<_runtime_ExecRequest, _runtime_ExecResponse__Output>;
  exec(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_runtime_ExecRequest, _runtime_ExecResponse__Output>;
  exec(options?: grpc.CallOptions): grpc.ClientDuplexStream<_runtime_ExecRequest, _runtime_ExecResponse__Output>;
  
  ListContainers(argument: _runtime_ListContainersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  ListContainers(argument: _runtime_ListContainersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  ListContainers(argument: _runtime_ListContainersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  ListContainers(argument: _runtime_ListContainersRequest, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  listContainers(argument: _runtime_ListContainersRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  listContainers(argument: _runtime_ListContainersRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  listContainers(argument: _runtime_ListContainersRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  listContainers(argument: _runtime_ListContainersRequest, callback: grpc.requestCallback<_runtime_ListContainersResponse__Output>): grpc.ClientUnaryCall;
  
  ListPodSandbox(argument: _runtime_ListPodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  ListPodSandbox(argument: _runtime_ListPodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  ListPodSandbox(argument: _runtime_ListPodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  ListPodSandbox(argument: _runtime_ListPodSandboxRequest, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  listPodSandbox(argument: _runtime_ListPodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  listPodSandbox(argument: _runtime_ListPodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  listPodSandbox(argument: _runtime_ListPodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  listPodSandbox(argument: _runtime_ListPodSandboxRequest, callback: grpc.requestCallback<_runtime_ListPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  
  PodSandboxStatus(argument: _runtime_PodSandboxStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  PodSandboxStatus(argument: _runtime_PodSandboxStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  PodSandboxStatus(argument: _runtime_PodSandboxStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  PodSandboxStatus(argument: _runtime_PodSandboxStatusRequest, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  podSandboxStatus(argument: _runtime_PodSandboxStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  podSandboxStatus(argument: _runtime_PodSandboxStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  podSandboxStatus(argument: _runtime_PodSandboxStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  podSandboxStatus(argument: _runtime_PodSandboxStatusRequest, callback: grpc.requestCallback<_runtime_PodSandboxStatusResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveContainer(argument: _runtime_RemoveContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  RemoveContainer(argument: _runtime_RemoveContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  RemoveContainer(argument: _runtime_RemoveContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  RemoveContainer(argument: _runtime_RemoveContainerRequest, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  removeContainer(argument: _runtime_RemoveContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  removeContainer(argument: _runtime_RemoveContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  removeContainer(argument: _runtime_RemoveContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  removeContainer(argument: _runtime_RemoveContainerRequest, callback: grpc.requestCallback<_runtime_RemoveContainerResponse__Output>): grpc.ClientUnaryCall;
  
  RemovePodSandbox(argument: _runtime_RemovePodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  RemovePodSandbox(argument: _runtime_RemovePodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  RemovePodSandbox(argument: _runtime_RemovePodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  RemovePodSandbox(argument: _runtime_RemovePodSandboxRequest, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  removePodSandbox(argument: _runtime_RemovePodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  removePodSandbox(argument: _runtime_RemovePodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  removePodSandbox(argument: _runtime_RemovePodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  removePodSandbox(argument: _runtime_RemovePodSandboxRequest, callback: grpc.requestCallback<_runtime_RemovePodSandboxResponse__Output>): grpc.ClientUnaryCall;
  
  StartContainer(argument: _runtime_StartContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  StartContainer(argument: _runtime_StartContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  StartContainer(argument: _runtime_StartContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  StartContainer(argument: _runtime_StartContainerRequest, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  startContainer(argument: _runtime_StartContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  startContainer(argument: _runtime_StartContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  startContainer(argument: _runtime_StartContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  startContainer(argument: _runtime_StartContainerRequest, callback: grpc.requestCallback<_runtime_StartContainerResponse__Output>): grpc.ClientUnaryCall;
  
  StopContainer(argument: _runtime_StopContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  StopContainer(argument: _runtime_StopContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  StopContainer(argument: _runtime_StopContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  StopContainer(argument: _runtime_StopContainerRequest, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  stopContainer(argument: _runtime_StopContainerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  stopContainer(argument: _runtime_StopContainerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  stopContainer(argument: _runtime_StopContainerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  stopContainer(argument: _runtime_StopContainerRequest, callback: grpc.requestCallback<_runtime_StopContainerResponse__Output>): grpc.ClientUnaryCall;
  
  StopPodSandbox(argument: _runtime_StopPodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  StopPodSandbox(argument: _runtime_StopPodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  StopPodSandbox(argument: _runtime_StopPodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  StopPodSandbox(argument: _runtime_StopPodSandboxRequest, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  stopPodSandbox(argument: _runtime_StopPodSandboxRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  stopPodSandbox(argument: _runtime_StopPodSandboxRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  stopPodSandbox(argument: _runtime_StopPodSandboxRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  stopPodSandbox(argument: _runtime_StopPodSandboxRequest, callback: grpc.requestCallback<_runtime_StopPodSandboxResponse__Output>): grpc.ClientUnaryCall;
  
  Version(argument: _runtime_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _runtime_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _runtime_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  Version(argument: _runtime_VersionRequest, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _runtime_VersionRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _runtime_VersionRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _runtime_VersionRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  version(argument: _runtime_VersionRequest, callback: grpc.requestCallback<_runtime_VersionResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface RuntimeServiceHandlers extends grpc.UntypedServiceImplementation {
  ContainerStatus: grpc.handleUnaryCall<_runtime_ContainerStatusRequest__Output, _runtime_ContainerStatusResponse>;
  
  CreateContainer: grpc.handleUnaryCall<_runtime_CreateContainerRequest__Output, _runtime_CreateContainerResponse>;
  
  CreatePodSandbox: grpc.handleUnaryCall<_runtime_CreatePodSandboxRequest__Output, _runtime_CreatePodSandboxResponse>;
  
  Exec: grpc.handleBidiStreamingCall<_runtime_ExecRequest__Output, _runtime_ExecResponse>;
  
  ListContainers: grpc.handleUnaryCall<_runtime_ListContainersRequest__Output, _runtime_ListContainersResponse>;
  
  ListPodSandbox: grpc.handleUnaryCall<_runtime_ListPodSandboxRequest__Output, _runtime_ListPodSandboxResponse>;
  
  PodSandboxStatus: grpc.handleUnaryCall<_runtime_PodSandboxStatusRequest__Output, _runtime_PodSandboxStatusResponse>;
  
  RemoveContainer: grpc.handleUnaryCall<_runtime_RemoveContainerRequest__Output, _runtime_RemoveContainerResponse>;
  
  RemovePodSandbox: grpc.handleUnaryCall<_runtime_RemovePodSandboxRequest__Output, _runtime_RemovePodSandboxResponse>;
  
  StartContainer: grpc.handleUnaryCall<_runtime_StartContainerRequest__Output, _runtime_StartContainerResponse>;
  
  StopContainer: grpc.handleUnaryCall<_runtime_StopContainerRequest__Output, _runtime_StopContainerResponse>;
  
  StopPodSandbox: grpc.handleUnaryCall<_runtime_StopPodSandboxRequest__Output, _runtime_StopPodSandboxResponse>;
  
  Version: grpc.handleUnaryCall<_runtime_VersionRequest__Output, _runtime_VersionResponse>;
  
}

export interface RuntimeServiceDefinition extends grpc.ServiceDefinition {
  ContainerStatus: MethodDefinition<_runtime_ContainerStatusRequest, _runtime_ContainerStatusResponse, _runtime_ContainerStatusRequest__Output, _runtime_ContainerStatusResponse__Output>
  CreateContainer: MethodDefinition<_runtime_CreateContainerRequest, _runtime_CreateContainerResponse, _runtime_CreateContainerRequest__Output, _runtime_CreateContainerResponse__Output>
  CreatePodSandbox: MethodDefinition<_runtime_CreatePodSandboxRequest, _runtime_CreatePodSandboxResponse, _runtime_CreatePodSandboxRequest__Output, _runtime_CreatePodSandboxResponse__Output>
  Exec: MethodDefinition<_runtime_ExecRequest, _runtime_ExecResponse, _runtime_ExecRequest__Output, _runtime_ExecResponse__Output>
  ListContainers: MethodDefinition<_runtime_ListContainersRequest, _runtime_ListContainersResponse, _runtime_ListContainersRequest__Output, _runtime_ListContainersResponse__Output>
  ListPodSandbox: MethodDefinition<_runtime_ListPodSandboxRequest, _runtime_ListPodSandboxResponse, _runtime_ListPodSandboxRequest__Output, _runtime_ListPodSandboxResponse__Output>
  PodSandboxStatus: MethodDefinition<_runtime_PodSandboxStatusRequest, _runtime_PodSandboxStatusResponse, _runtime_PodSandboxStatusRequest__Output, _runtime_PodSandboxStatusResponse__Output>
  RemoveContainer: MethodDefinition<_runtime_RemoveContainerRequest, _runtime_RemoveContainerResponse, _runtime_RemoveContainerRequest__Output, _runtime_RemoveContainerResponse__Output>
  RemovePodSandbox: MethodDefinition<_runtime_RemovePodSandboxRequest, _runtime_RemovePodSandboxResponse, _runtime_RemovePodSandboxRequest__Output, _runtime_RemovePodSandboxResponse__Output>
  StartContainer: MethodDefinition<_runtime_StartContainerRequest, _runtime_StartContainerResponse, _runtime_StartContainerRequest__Output, _runtime_StartContainerResponse__Output>
  StopContainer: MethodDefinition<_runtime_StopContainerRequest, _runtime_StopContainerResponse, _runtime_StopContainerRequest__Output, _runtime_StopContainerResponse__Output>
  StopPodSandbox: MethodDefinition<_runtime_StopPodSandboxRequest, _runtime_StopPodSandboxResponse, _runtime_StopPodSandboxRequest__Output, _runtime_StopPodSandboxResponse__Output>
  Version: MethodDefinition<_runtime_VersionRequest, _runtime_VersionResponse, _runtime_VersionRequest__Output, _runtime_VersionResponse__Output>
}
