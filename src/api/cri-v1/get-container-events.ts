import type { ServerWritableStream } from '@grpc/grpc-js';
import type { GetEventsRequest__Output } from '../gen/v1/runtime/v1/GetEventsRequest.js';
import type { ContainerEventResponse } from '../gen/v1/runtime/v1/ContainerEventResponse.js';
import type { RuntimeEvent } from '../../events/hub.js';
import { toV1SandboxStatus } from './sandbox-messages.js';
import { toV1ContainerStatus, type ImageRefOf } from './container-messages.js';
import { imageRefOf } from './image-messages.js';
import type { V1Deps } from './deps.js';

const TYPES = {
  CREATED: 'CONTAINER_CREATED_EVENT',
  STARTED: 'CONTAINER_STARTED_EVENT',
  STOPPED: 'CONTAINER_STOPPED_EVENT',
  DELETED: 'CONTAINER_DELETED_EVENT',
} as const;

function toV1Event(e: RuntimeEvent, refOf: ImageRefOf): ContainerEventResponse {
  return {
    container_id: e.id,
    container_event_type: TYPES[e.type],
    created_at: e.createdAt,
    pod_sandbox_status: e.pod.sandbox && toV1SandboxStatus(e.pod.sandbox),
    containers_statuses: e.pod.containers.map((c) => toV1ContainerStatus(c, refOf)),
  };
}

/**
 * Follows the event hub until the client goes. Writes wait for the
 * client to drain; meanwhile events queue in its bounded subscription,
 * which drops a client that falls too far behind (RESOURCE_EXHAUSTED).
 */
export function getContainerEvents(d: V1Deps) {
  return async (call: ServerWritableStream<GetEventsRequest__Output, ContainerEventResponse>): Promise<void> => {
    const sub = d.events.subscribe();
    let gone = false;
    let wake: (() => void) | undefined;
    const onGone = () => {
      gone = true;
      sub.close();
      wake?.();
    };
    call.on('cancelled', onGone);
    call.on('close', onGone);
    const refOf = imageRefOf((id) => d.images.find(id));
    for await (const e of sub) {
      if (gone) break;
      if (call.write(toV1Event(e, refOf))) continue;
      await new Promise<void>((r) => {
        wake = r;
        call.once('drain', r);
      });
      call.off('drain', wake!);
      wake = undefined;
    }
  };
}
