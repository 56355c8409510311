import type { StopPodSandboxRequest__Output } from '../gen/v1/runtime/v1/StopPodSandboxRequest.js';
import { idArg } from '../validate.js';
import { unlessGone } from './gone.js';
import type { V1Deps } from './deps.js';

export function stopPodSandbox(d: V1Deps) {
  return (req: StopPodSandboxRequest__Output): Promise<object> => {
    const id = idArg(req.pod_sandbox_id, 'pod_sandbox_id');
    return unlessGone(!!d.sandboxes.find(id), () => d.sandboxes.stop(id));
  };
}
