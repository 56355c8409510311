import type { ServerWritableStream } from '@grpc/grpc-js';
import type { PodSandboxStatsRequest__Output } from '../gen/v1/runtime/v1/PodSandboxStatsRequest.js';
import type { PodSandboxStatsResponse } from '../gen/v1/runtime/v1/PodSandboxStatsResponse.js';
import type { ListPodSandboxStatsRequest__Output } from '../gen/v1/runtime/v1/ListPodSandboxStatsRequest.js';
import type { ListPodSandboxStatsResponse } from '../gen/v1/runtime/v1/ListPodSandboxStatsResponse.js';
import type { StreamPodSandboxStatsRequest__Output } from '../gen/v1/runtime/v1/StreamPodSandboxStatsRequest.js';
import type { StreamPodSandboxStatsResponse } from '../gen/v1/runtime/v1/StreamPodSandboxStatsResponse.js';
import { idArg } from '../validate.js';
import { toV1PodSandboxStats, v1PodSandboxStatsFilter } from './stats-messages.js';
import { inChunks } from './chunks.js';
import type { V1Deps } from './deps.js';

export function podSandboxStats(d: V1Deps) {
  return async (req: PodSandboxStatsRequest__Output): Promise<PodSandboxStatsResponse> => ({
    stats: toV1PodSandboxStats(await d.stats.pod(idArg(req.pod_sandbox_id, 'pod_sandbox_id'))),
  });
}

export function listPodSandboxStats(d: V1Deps) {
  return async (req: ListPodSandboxStatsRequest__Output): Promise<ListPodSandboxStatsResponse> => ({
    stats: (await d.stats.pods(v1PodSandboxStatsFilter(req.filter))).map(toV1PodSandboxStats),
  });
}

export function streamPodSandboxStats(d: V1Deps) {
  return async (call: ServerWritableStream<StreamPodSandboxStatsRequest__Output, StreamPodSandboxStatsResponse>): Promise<void> => {
    const stats = (await d.stats.pods(v1PodSandboxStatsFilter(call.request.filter))).map(toV1PodSandboxStats);
    inChunks(stats, (chunk) => call.write({ pod_sandbox_stats: chunk }));
  };
}
