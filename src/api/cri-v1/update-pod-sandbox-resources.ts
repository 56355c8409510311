import type { UpdatePodSandboxResourcesRequest__Output } from '../gen/v1/runtime/v1/UpdatePodSandboxResourcesRequest.js';
import { idArg } from '../validate.js';
import { resourcesSpec } from './resources.js';
import type { V1Deps } from './deps.js';

export function updatePodSandboxResources(d: V1Deps) {
  return async (req: UpdatePodSandboxResourcesRequest__Output): Promise<object> => {
    await d.sandboxes.updateResources(idArg(req.pod_sandbox_id, 'pod_sandbox_id'), {
      overhead: req.overhead ? resourcesSpec(req.overhead, 'overhead') : undefined,
      resources: req.resources ? resourcesSpec(req.resources, 'resources') : undefined,
    });
    return {};
  };
}
