import type { CreateContainerRequest__Output } from '../gen/v1/runtime/v1/CreateContainerRequest.js';
import type { CreateContainerResponse } from '../gen/v1/runtime/v1/CreateContainerResponse.js';
import { idArg } from '../validate.js';
import { containerSpec } from './container-config.js';
import type { V1Deps } from './deps.js';

/** `sandbox_config` is not read: berth has the pod's own record of what it was made with. */
export function createContainer(d: V1Deps) {
  return async (req: CreateContainerRequest__Output): Promise<CreateContainerResponse> => {
    const sandboxId = idArg(req.pod_sandbox_id, 'pod_sandbox_id');
    return { container_id: await d.containers.create(sandboxId, containerSpec(req.config)) };
  };
}
