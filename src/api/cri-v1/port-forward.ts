import type { PortForwardRequest__Output } from '../gen/v1/runtime/v1/PortForwardRequest.js';
import type { PortForwardResponse } from '../gen/v1/runtime/v1/PortForwardResponse.js';
import { dialPod } from '../../sandbox/port-forward.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';

/**
 * A URL of the streaming server that forwards its client's connections to
 * ports on the pod's loopback. The ports in the request are advisory, as
 * in the kubelet: each connection names its own.
 */
export function portForward(d: V1Deps) {
  return async (req: PortForwardRequest__Output): Promise<PortForwardResponse> => {
    const id = d.sandboxes.requireReady(idArg(req.pod_sandbox_id, 'pod_sandbox_id')).id;
    const url = d.streaming.portForward({ dial: async (port) => dialPod(d.sandboxes, id, port) });
    return { url };
  };
}
