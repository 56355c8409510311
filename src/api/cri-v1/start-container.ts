import type { StartContainerRequest__Output } from '../gen/v1/runtime/v1/StartContainerRequest.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';

export function startContainer(d: V1Deps) {
  return async (req: StartContainerRequest__Output): Promise<object> => {
    await d.containers.start(idArg(req.container_id, 'container_id'));
    return {};
  };
}
