import type { StopContainerRequest__Output } from '../gen/v1/runtime/v1/StopContainerRequest.js';
import { idArg, int64 } from '../validate.js';
import { unlessGone } from './gone.js';
import type { V1Deps } from './deps.js';

/** A negative timeout kills at once, as 0 does. */
export function stopContainer(d: V1Deps) {
  return (req: StopContainerRequest__Output): Promise<object> => {
    const id = idArg(req.container_id, 'container_id');
    const timeout = Math.max(0, int64(req.timeout, 'timeout', Number.MIN_SAFE_INTEGER));
    return unlessGone(!!d.containers.find(id), () => d.containers.stop(id, timeout));
  };
}
