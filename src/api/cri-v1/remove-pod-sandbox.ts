import type { RemovePodSandboxRequest__Output } from '../gen/v1/runtime/v1/RemovePodSandboxRequest.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';

export function removePodSandbox(d: V1Deps) {
  return async (req: RemovePodSandboxRequest__Output): Promise<object> => {
    await d.sandboxes.remove(idArg(req.pod_sandbox_id, 'pod_sandbox_id'));
    return {};
  };
}
