import type { ContainerStatusRequest__Output } from '../gen/v1/runtime/v1/ContainerStatusRequest.js';
import type { ContainerStatusResponse } from '../gen/v1/runtime/v1/ContainerStatusResponse.js';
import { idArg } from '../validate.js';
import { containerInfo, toV1ContainerStatus } from './container-messages.js';
import { imageRefOf } from './image-messages.js';
import type { V1Deps } from './deps.js';

export function containerStatus(d: V1Deps) {
  return (req: ContainerStatusRequest__Output): ContainerStatusResponse => {
    const c = d.containers.get(idArg(req.container_id, 'container_id'));
    const status = toV1ContainerStatus(c, imageRefOf((id) => d.images.find(id)));
    return req.verbose ? { status, info: containerInfo(c) } : { status };
  };
}
