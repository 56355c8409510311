import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE } from '../host/private-dir.js';
import type { ResourcesSpec } from './spec.js';

/**
 * An update as the CRI means it (and containerd applies it): a field left
 * at 0 or empty keeps its value. oom_score_adj belongs to the process and
 * is not changed by an update.
 */
export function mergeResources(cur: ResourcesSpec, next: ResourcesSpec): ResourcesSpec {
  return {
    cpuPeriod: next.cpuPeriod || cur.cpuPeriod,
    cpuQuota: next.cpuQuota || cur.cpuQuota,
    cpuShares: next.cpuShares || cur.cpuShares,
    memoryLimit: next.memoryLimit || cur.memoryLimit,
    memorySwapLimit: next.memorySwapLimit || cur.memorySwapLimit,
    oomScoreAdj: cur.oomScoreAdj,
    cpusetCpus: next.cpusetCpus || cur.cpusetCpus,
    cpusetMems: next.cpusetMems || cur.cpusetMems,
    hugepageLimits: next.hugepageLimits.length ? next.hugepageLimits : cur.hugepageLimits,
    unified: { ...cur.unified, ...next.unified },
  };
}

/** The bundle's config.json gets the new limits too, so a container started later (or restarted by runc) has them. */
export function writeBundleResources(bundle: string, payload: Record<string, unknown>): void {
  const file = join(bundle, 'config.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { linux: { resources: Record<string, unknown> } };
  spec.linux.resources = { ...spec.linux.resources, ...payload };
  writeFileSync(file, JSON.stringify(spec), { mode: PRIVATE_FILE });
}
