import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ListPodSandboxRequest__Output } from '../gen/v1/runtime/v1/ListPodSandboxRequest.js';
import type { ListPodSandboxResponse } from '../gen/v1/runtime/v1/ListPodSandboxResponse.js';
import type { StreamPodSandboxesRequest__Output } from '../gen/v1/runtime/v1/StreamPodSandboxesRequest.js';
import type { StreamPodSandboxesResponse } from '../gen/v1/runtime/v1/StreamPodSandboxesResponse.js';
import { toV1PodSandbox, v1SandboxFilter } from './sandbox-messages.js';
import { inChunks } from './chunks.js';
import { ListedMessages } from '../grpc/list-encoding.js';
import type { V1Deps } from './deps.js';

export function listPodSandbox(d: V1Deps) {
  const messages = new ListedMessages(toV1PodSandbox);
  return (req: ListPodSandboxRequest__Output): ListPodSandboxResponse => ({
    items: d.sandboxes.list(v1SandboxFilter(req.filter)).map((s) => messages.of(s, undefined)),
  });
}

export function streamPodSandboxes(d: V1Deps) {
  return async (call: ServerWritableStream<StreamPodSandboxesRequest__Output, StreamPodSandboxesResponse>): Promise<void> => {
    const items = d.sandboxes.list(v1SandboxFilter(call.request.filter)).map(toV1PodSandbox);
    inChunks(items, (chunk) => call.write({ pod_sandboxes: chunk }));
  };
}
