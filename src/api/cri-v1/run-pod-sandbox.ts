import type { RunPodSandboxRequest__Output } from '../gen/v1/runtime/v1/RunPodSandboxRequest.js';
import type { RunPodSandboxResponse } from '../gen/v1/runtime/v1/RunPodSandboxResponse.js';
import { sandboxSpec } from './sandbox-config.js';
import type { V1Deps } from './deps.js';

export function runPodSandbox(d: V1Deps) {
  return async (req: RunPodSandboxRequest__Output): Promise<RunPodSandboxResponse> => ({
    pod_sandbox_id: await d.sandboxes.create(sandboxSpec(req)),
  });
}
