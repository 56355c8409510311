import type { RemoveContainerRequest__Output } from '../gen/v1/runtime/v1/RemoveContainerRequest.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';

export function removeContainer(d: V1Deps) {
  return async (req: RemoveContainerRequest__Output): Promise<object> => {
    await d.containers.remove(idArg(req.container_id, 'container_id'));
    return {};
  };
}
