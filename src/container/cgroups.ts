import { readFileSync } from 'node:fs';

/**
 * The cgroupfs path for a systemd slice name, as runc expands them:
 * a-b-c.slice → /a.slice/a-b.slice/a-b-c.slice.
 */
export function expandSlice(slice: string): string {
  const name = slice.replace(/\.slice$/, '');
  const parts = name.split('-');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(`${parts.slice(0, i).join('-')}.slice`);
  return '/' + out.join('/');
}

/** The cgroupfs path of a pod's cgroup_parent: a systemd slice name expanded, else the path itself. */
export function cgroupParentPath(cgroupParent: string): string {
  const segments = cgroupParent.split('/').filter(Boolean);
  const last = segments[segments.length - 1] ?? '';
  return last.endsWith('.slice') ? expandSlice(last) : '/' + segments.join('/');
}

/** Where a container's cgroups go: under the pod's cgroup_parent, else /berth. */
export function containerCgroupsPath(cgroupParent: string, id: string): string {
  if (!cgroupParent) return `/berth/${id}`;
  return `${cgroupParentPath(cgroupParent)}/berth-${id}`;
}

let own: number | undefined;

/**
 * A score below berthd's own needs CAP_SYS_RESOURCE, which many hosts do
 * not grant; raise it to berthd's own instead of failing the container
 * (containerd's restrict_oom_score_adj).
 */
export function clampOomScoreAdj(requested: number | undefined): number | undefined {
  if (requested === undefined) return undefined;
  own ??= Number(readFileSync('/proc/self/oom_score_adj', 'utf8').trim());
  return Math.max(requested, own);
}
