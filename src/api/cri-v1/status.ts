import type { StatusRequest__Output } from '../gen/v1/runtime/v1/StatusRequest.js';
import type { StatusResponse } from '../gen/v1/runtime/v1/StatusResponse.js';
import type { V1Deps } from './deps.js';

/** RuntimeReady is true while berthd serves; NetworkReady says whether CNI can set up a pod now. */
export function status(d: V1Deps) {
  return (req: StatusRequest__Output): StatusResponse => {
    const net = d.cni.status();
    const features = { recursive_read_only_mounts: true, user_namespaces: false };
    return {
      status: {
        conditions: [
          { type: 'RuntimeReady', status: true, reason: '', message: '' },
          net.ready
            ? { type: 'NetworkReady', status: true, reason: '', message: '' }
            : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: net.message },
        ],
      },
      runtime_handlers: ['', ...d.runtimeHandlers].map((name) => ({ name, features })),
      features: { supplemental_groups_policy: true, user_namespaces_host_network: false },
      info: req.verbose ? { config: JSON.stringify(d.config), network: JSON.stringify(net) } : {},
    };
  };
}
