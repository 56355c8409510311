// Original file: proto/api.proto


export interface CreatePodSandboxResponse {
  'pod_sandbox_id'?: (string);
}

export interface CreatePodSandboxResponse__Output {
  'pod_sandbox_id'?: (string);
}
