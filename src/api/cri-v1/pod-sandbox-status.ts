import type { PodSandboxStatusRequest__Output } from '../gen/v1/runtime/v1/PodSandboxStatusRequest.js';
import type { PodSandboxStatusResponse } from '../gen/v1/runtime/v1/PodSandboxStatusResponse.js';
import { nowNs } from '../../ids.js';
import { idArg } from '../validate.js';
import { sandboxInfo, toV1SandboxStatus } from './sandbox-messages.js';
import { toV1ContainerStatus } from './container-messages.js';
import { imageRefOf } from './image-messages.js';
import type { V1Deps } from './deps.js';

/** With `verbose`, also the pod's info as JSON and its containers' statuses. */
export function podSandboxStatus(d: V1Deps) {
  return (req: PodSandboxStatusRequest__Output): PodSandboxStatusResponse => {
    const timestamp = nowNs();
    const s = d.sandboxes.get(idArg(req.pod_sandbox_id, 'pod_sandbox_id'));
    if (!req.verbose) return { status: toV1SandboxStatus(s), timestamp };
    const refOf = imageRefOf((id) => d.images.find(id));
    return {
      status: toV1SandboxStatus(s),
      info: sandboxInfo(s),
      containers_statuses: d.containers.list({ sandboxId: s.id }).map((c) => toV1ContainerStatus(c, refOf)),
      timestamp,
    };
  };
}
