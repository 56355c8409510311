import type { UpdateContainerResourcesRequest__Output } from '../gen/v1/runtime/v1/UpdateContainerResourcesRequest.js';
import { invalidArgument } from '../../errors.js';
import { idArg } from '../validate.js';
import { resourcesSpec } from './resources.js';
import type { V1Deps } from './deps.js';

/** Applied live to the container's cgroup and remembered for its status; annotations are not kept. */
export function updateContainerResources(d: V1Deps) {
  return async (req: UpdateContainerResourcesRequest__Output): Promise<object> => {
    const id = idArg(req.container_id, 'container_id');
    if (!req.linux) throw invalidArgument('linux is required: berth runs Linux containers');
    await d.containers.updateResources(id, resourcesSpec(req.linux, 'linux'));
    return {};
  };
}
