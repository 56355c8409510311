// Original file: proto/api.proto


export interface ContainerStatusRequest {
  'container_id'?: (string);
}

export interface ContainerStatusRequest__Output {
  'container_id'?: (string);
}
