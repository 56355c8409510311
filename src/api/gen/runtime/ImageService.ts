// Original file: proto/api.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ImageStatusRequest as _runtime_ImageStatusRequest, ImageStatusRequest__Output as _runtime_ImageStatusRequest__Output } from '../runtime/ImageStatusRequest.js';
import type { ImageStatusResponse as _runtime_ImageStatusResponse, ImageStatusResponse__Output as _runtime_ImageStatusResponse__Output } from '../runtime/ImageStatusResponse.js';
import type { ListImagesRequest as _runtime_ListImagesRequest, ListImagesRequest__Output as _runtime_ListImagesRequest__Output } from '../runtime/ListImagesRequest.js';
import type { ListImagesResponse as _runtime_ListImagesResponse, ListImagesResponse__Output as _runtime_ListImagesResponse__Output } from '../runtime/ListImagesResponse.js';
import type { PullImageRequest as _runtime_PullImageRequest, PullImageRequest__Output as _runtime_PullImageRequest__Output } from '../runtime/PullImageRequest.js';
import type { PullImageResponse as _runtime_PullImageResponse, PullImageResponse__Output as _runtime_PullImageResponse__Output } from '../runtime/PullImageResponse.js';
import type { RemoveImageRequest as _runtime_RemoveImageRequest, RemoveImageRequest__Output as _runtime_RemoveImageRequest__Output } from '../runtime/RemoveImageRequest.js';
import type { RemoveImageResponse as _runtime_RemoveImageResponse, RemoveImageResponse__Output as _runtime_RemoveImageResponse__Output } from '../runtime/RemoveImageResponse.js';

export interface ImageServiceClient extends grpc.Client {
  ImageStatus(argument: _runtime_ImageStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  ImageStatus(argument: _runtime_ImageStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  ImageStatus(argument: _runtime_ImageStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  ImageStatus(argument: _runtime_ImageStatusRequest, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  imageStatus(argument: _runtime_ImageStatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  imageStatus(argument: _runtime_ImageStatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  imageStatus(argument: _runtime_ImageStatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  imageStatus(argument: _runtime_ImageStatusRequest, callback: grpc.requestCallback<_runtime_ImageStatusResponse__Output>): grpc.ClientUnaryCall;
  
  ListImages(argument: _runtime_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _runtime_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _runtime_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  ListImages(argument: _runtime_ListImagesRequest, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _runtime_ListImagesRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _runtime_ListImagesRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _runtime_ListImagesRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  listImages(argument: _runtime_ListImagesRequest, callback: grpc.requestCallback<_runtime_ListImagesResponse__Output>): grpc.ClientUnaryCall;
  
  PullImage(argument: _runtime_PullImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  PullImage(argument: _runtime_PullImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  PullImage(argument: _runtime_PullImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  PullImage(argument: _runtime_PullImageRequest, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  pullImage(argument: _runtime_PullImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  pullImage(argument: _runtime_PullImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  pullImage(argument: _runtime_PullImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  pullImage(argument: _runtime_PullImageRequest, callback: grpc.requestCallback<_runtime_PullImageResponse__Output>): grpc.ClientUnaryCall;
  
  RemoveImage(argument: _runtime_RemoveImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  RemoveImage(argument: _runtime_RemoveImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  RemoveImage(argument: _runtime_RemoveImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  RemoveImage(argument: _runtime_RemoveImageRequest, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  removeImage(argument: _runtime_RemoveImageRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  removeImage(argument: _runtime_RemoveImageRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  removeImage(argument: _runtime_RemoveImageRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  removeImage(argument: _runtime_RemoveImageRequest, callback: grpc.requestCallback<_runtime_RemoveImageResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface ImageServiceHandlers extends grpc.UntypedServiceImplementation {
  ImageStatus: grpc.handleUnaryCall<_runtime_ImageStatusRequest__Output, _runtime_ImageStatusResponse>;
  
  ListImages: grpc.handleUnaryCall<_runtime_ListImagesRequest__Output, _runtime_ListImagesResponse>;
  
  PullImage: grpc.handleUnaryCall<_runtime_PullImageRequest__Output, _runtime_PullImageResponse>;
  
  RemoveImage: grpc.handleUnaryCall<_runtime_RemoveImageRequest__Output, _runtime_RemoveImageResponse>;
  
}

export interface ImageServiceDefinition extends grpc.ServiceDefinition {
  ImageStatus: MethodDefinition<_runtime_ImageStatusRequest, _runtime_ImageStatusResponse, _runtime_ImageStatusRequest__Output, _runtime_ImageStatusResponse__Output>
  ListImages: MethodDefinition<_runtime_ListImagesRequest, _runtime_ListImagesResponse, _runtime_ListImagesRequest__Output, _runtime_ListImagesResponse__Output>
  PullImage: MethodDefinition<_runtime_PullImageRequest, _runtime_PullImageResponse, _runtime_PullImageRequest__Output, _runtime_PullImageResponse__Output>
  RemoveImage: MethodDefinition<_runtime_RemoveImageRequest, _runtime_RemoveImageResponse, _runtime_RemoveImageRequest__Output, _runtime_RemoveImageResponse__Output>
}
