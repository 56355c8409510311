import type { LinuxContainerResources, LinuxContainerResources__Output } from '../gen/v1/runtime/v1/LinuxContainerResources.js';
import type { ResourcesSpec } from '../../container/spec.js';
import { invalidArgument, quote } from '../../errors.js';
import { boundedString, commonResources, int64, stringMap } from '../validate.js';

const HUGEPAGE_SIZE = /^[1-9][0-9]*[KMG]B$/;
const CPUSET = /^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$/;

function cpuset(value: string | undefined, what: string): string {
  const s = boundedString(value, what, 1024).trim();
  if (s && !CPUSET.test(s)) throw invalidArgument(`${what} ${quote(s)} is not a cpu/node list like 0-2,4`);
  return s;
}

/** v1 LinuxContainerResources as the domain's ResourcesSpec; absent fields are "not set". */
export function resourcesSpec(r: LinuxContainerResources__Output | undefined, what: string): ResourcesSpec {
  return {
    ...commonResources(r, what),
    // The kubelet always sends an OOM score for a container; proto3 cannot tell 0 from unset.
    oomScoreAdj: int64(r?.oom_score_adj, `${what}.oom_score_adj`, -1000, 1000),
    memorySwapLimit: int64(r?.memory_swap_limit_in_bytes, `${what}.memory_swap_limit_in_bytes`, -1),
    cpusetCpus: cpuset(r?.cpuset_cpus, `${what}.cpuset_cpus`),
    cpusetMems: cpuset(r?.cpuset_mems, `${what}.cpuset_mems`),
    hugepageLimits: (r?.hugepage_limits ?? []).map((h, i) => {
      const pageSize = boundedString(h.page_size, `${what}.hugepage_limits[${i}].page_size`, 16);
      if (!HUGEPAGE_SIZE.test(pageSize)) throw invalidArgument(`${what}.hugepage_limits[${i}].page_size ${quote(pageSize)} is not like 2MB or 1GB`);
      return { pageSize, limit: int64(h.limit, `${what}.hugepage_limits[${i}].limit`, 0) };
    }),
    unified: stringMap(r?.unified, `${what}.unified`),
  };
}

/** The domain's resources as v1 reports them in a status. */
export function toV1Resources(r: ResourcesSpec): LinuxContainerResources {
  return {
    cpu_period: r.cpuPeriod,
    cpu_quota: r.cpuQuota,
    cpu_shares: r.cpuShares,
    memory_limit_in_bytes: r.memoryLimit,
    oom_score_adj: r.oomScoreAdj ?? 0,
    cpuset_cpus: r.cpusetCpus,
    cpuset_mems: r.cpusetMems,
    hugepage_limits: r.hugepageLimits.map((h) => ({ page_size: h.pageSize, limit: h.limit })),
    unified: r.unified,
    memory_swap_limit_in_bytes: r.memorySwapLimit,
  };
}
