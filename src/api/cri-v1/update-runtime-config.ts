import { isIP } from 'node:net';
import type { UpdateRuntimeConfigRequest__Output } from '../gen/v1/runtime/v1/UpdateRuntimeConfigRequest.js';
import { invalidArgument, quote } from '../../errors.js';
import { boundedString } from '../validate.js';
import type { V1Deps } from './deps.js';

/** The kubelet hands down the node's pod CIDR; berth's default CNI network takes its addresses from it. */
export function updateRuntimeConfig(d: V1Deps) {
  return (req: UpdateRuntimeConfigRequest__Output): object => {
    const cidr = boundedString(req.runtime_config?.network_config?.pod_cidr, 'runtime_config.network_config.pod_cidr', 128).trim();
    if (!cidr) return {};
    // The kubelet may send a dual-stack pair; berth's default network is IPv4.
    const v4 = cidr.split(',').map((c) => c.trim()).find((c) => isIP(c.split('/')[0]) === 4);
    for (const c of cidr.split(',').map((x) => x.trim())) {
      const [addr, bits, ...rest] = c.split('/');
      const max = isIP(addr) === 4 ? 32 : 128;
      if (!isIP(addr) || rest.length || !/^[0-9]+$/.test(bits ?? '') || Number(bits) > max)
        throw invalidArgument(`runtime_config.network_config.pod_cidr ${quote(cidr)} is not a CIDR (or a comma-separated pair)`);
    }
    if (v4) d.cni.setPodCidr(v4);
    return {};
  };
}
