import { existsSync, readFileSync, readdirSync } from 'node:fs';

// What the host's kernel offers that container settings depend on. Read
// from /sys once: none of it changes while berthd runs.

let cache: { apparmor: boolean; cgroup2: boolean; hugetlb: boolean; swap: boolean; pageSizes: string[] } | undefined;

function probe() {
  const cgroup2 = existsSync('/sys/fs/cgroup/cgroup.controllers');
  let controllers = '';
  try {
    controllers = cgroup2 ? readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8') : '';
  } catch {
    /* unreadable: none */
  }
  let apparmor = false;
  try {
    apparmor = readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    /* no AppArmor module */
  }
  let pageSizes: string[] = [];
  try {
    // hugepages-2048kB → 2MB, as the CRI and runc name sizes.
    pageSizes = readdirSync('/sys/kernel/mm/hugepages').flatMap((d) => {
      const kb = /^hugepages-(\d+)kB$/.exec(d)?.[1];
      return kb ? [pageSizeName(Number(kb) * 1024)] : [];
    });
  } catch {
    /* no hugepages */
  }
  return {
    apparmor,
    cgroup2,
    hugetlb: cgroup2 ? /\bhugetlb\b/.test(controllers) : existsSync('/sys/fs/cgroup/hugetlb'),
    swap: cgroup2 ? true : existsSync('/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes'),
    pageSizes,
  };
}

function pageSizeName(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (bytes >= 1024 && bytes % 1024 === 0 && i < units.length - 1) {
    bytes /= 1024;
    i++;
  }
  return `${bytes}${units[i]}`;
}

export function hostSupport() {
  return (cache ??= probe());
}
