import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ContainerStatsRequest__Output } from '../gen/v1/runtime/v1/ContainerStatsRequest.js';
import type { ContainerStatsResponse } from '../gen/v1/runtime/v1/ContainerStatsResponse.js';
import type { ListContainerStatsRequest__Output } from '../gen/v1/runtime/v1/ListContainerStatsRequest.js';
import type { ListContainerStatsResponse } from '../gen/v1/runtime/v1/ListContainerStatsResponse.js';
import type { StreamContainerStatsRequest__Output } from '../gen/v1/runtime/v1/StreamContainerStatsRequest.js';
import type { StreamContainerStatsResponse } from '../gen/v1/runtime/v1/StreamContainerStatsResponse.js';
import { idArg } from '../validate.js';
import { toV1ContainerStats, v1ContainerStatsFilter } from './stats-messages.js';
import { inChunks } from './chunks.js';
import type { V1Deps } from './deps.js';

export function containerStats(d: V1Deps) {
  return async (req: ContainerStatsRequest__Output): Promise<ContainerStatsResponse> => ({
    stats: toV1ContainerStats(await d.stats.container(idArg(req.container_id, 'container_id'))),
  });
}

export function listContainerStats(d: V1Deps) {
  return async (req: ListContainerStatsRequest__Output): Promise<ListContainerStatsResponse> => ({
    stats: (await d.stats.containers(v1ContainerStatsFilter(req.filter))).map(toV1ContainerStats),
  });
}

export function streamContainerStats(d: V1Deps) {
  return async (call: ServerWritableStream<StreamContainerStatsRequest__Output, StreamContainerStatsResponse>): Promise<void> => {
    const stats = (await d.stats.containers(v1ContainerStatsFilter(call.request.filter))).map(toV1ContainerStats);
    inChunks(stats, (chunk) => call.write({ container_stats: chunk }));
  };
}
