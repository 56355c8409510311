import type { RuntimeConfigResponse } from '../gen/v1/runtime/v1/RuntimeConfigResponse.js';
import type { V1Deps } from './deps.js';

export function runtimeConfig(d: V1Deps) {
  return (): RuntimeConfigResponse => ({ linux: { cgroup_driver: d.cgroupDriver === 'systemd' ? 'SYSTEMD' : 'CGROUPFS' } });
}
