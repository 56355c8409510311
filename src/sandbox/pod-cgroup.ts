import { existsSync, mkdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { internal } from '../errors.js';
import { hostSupport } from '../oci/host-support.js';
import type { ResourcesSpec } from '../container/spec.js';

const ROOT = '/sys/fs/cgroup';
const DEFAULT_PERIOD = 100_000;

/** The cgroup berth makes for a pod that has resources but no cgroup_parent; its containers go below it. */
export function podCgroupPath(sandboxId: string): string {
  return `/berth/pod-${sandboxId}`;
}

/** What the pod as a whole may use: its containers' sum plus its overhead. */
export function podLimits(resources: ResourcesSpec | undefined, overhead: ResourcesSpec | undefined) {
  const parts = [resources, overhead].filter((r): r is ResourcesSpec => !!r);
  const cpus = parts.filter((r) => r.cpuQuota > 0).map((r) => r.cpuQuota / (r.cpuPeriod || DEFAULT_PERIOD));
  return {
    shares: parts.reduce((n, r) => n + r.cpuShares, 0),
    // Only a pod whose every part is capped is capped: an uncapped part means no cap.
    quota: cpus.length === parts.length && cpus.length ? Math.ceil(cpus.reduce((a, b) => a + b, 0) * DEFAULT_PERIOD) : 0,
    memory: parts.every((r) => r.memoryLimit > 0) && parts.length ? parts.reduce((n, r) => n + r.memoryLimit, 0) : 0,
  };
}

function write(file: string, value: string): void {
  try {
    writeFileSync(file, value);
  } catch (err) {
    throw internal(`pod cgroup: write ${value} to ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/**
 * Creates (or updates) the pod cgroup with its limits: cpu shares/quota
 * and memory on cgroup v1 (each in its own hierarchy), or weight, max and
 * memory.max on v2.
 */
export function applyPodCgroup(path: string, limits: ReturnType<typeof podLimits>): void {
  if (hostSupport().cgroup2) {
    const dir = join(ROOT, path);
    mkdirSync(dir, { recursive: true });
    if (limits.shares) write(join(dir, 'cpu.weight'), String(Math.max(1, Math.min(10000, 1 + Math.round(((limits.shares - 2) * 9999) / 262142)))));
    write(join(dir, 'cpu.max'), `${limits.quota || 'max'} ${DEFAULT_PERIOD}`);
    write(join(dir, 'memory.max'), limits.memory ? String(limits.memory) : 'max');
    return;
  }
  const cpu = join(ROOT, 'cpu', path);
  const memory = join(ROOT, 'memory', path);
  mkdirSync(cpu, { recursive: true });
  mkdirSync(memory, { recursive: true });
  if (limits.shares) write(join(cpu, 'cpu.shares'), String(Math.max(2, limits.shares)));
  write(join(cpu, 'cpu.cfs_period_us'), String(DEFAULT_PERIOD));
  write(join(cpu, 'cpu.cfs_quota_us'), String(limits.quota || -1));
  write(join(memory, 'memory.limit_in_bytes'), String(limits.memory || -1));
}

/** Removes the pod cgroup from every hierarchy runc may have made it in; its containers are gone by then. */
export function removePodCgroup(path: string): void {
  const dirs = hostSupport().cgroup2 ? [join(ROOT, path)] : ['cpu', 'cpuacct', 'cpuset', 'memory', 'pids', 'devices', 'freezer', 'blkio', 'hugetlb', 'net_cls', 'net_prio', 'perf_event', 'systemd'].map((c) => join(ROOT, c, path));
  for (const d of dirs) {
    if (!existsSync(d)) continue;
    try {
      rmdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw internal(`pod cgroup: remove ${d}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}
