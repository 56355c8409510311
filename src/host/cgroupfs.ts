import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Where a cgroups path lives: one dir per v1 hierarchy (hybrid hosts), or the single v2 one. */
export function cgroupDirs(path: string, root = CGROUP_ROOT): string[] {
  if (existsSync(join(root, 'cgroup.controllers'))) return [join(root, path)];
  let hierarchies: string[] = [];
  try {
    hierarchies = readdirSync(root);
  } catch {
    return [];
  }
  return hierarchies.map((h) => join(root, h, path)).filter((d) => existsSync(d));
}

function procsIn(dir: string): number[] {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * SIGKILLs every process in a container's cgroups and removes them: what a
 * start that failed half-way leaves (runc init, or anything the runtime
 * put there) once no runtime state is left to do it. Waits up to `ms` for
 * the processes to die; resolves with the dirs it could not remove.
 */
export async function killAndRemoveCgroup(path: string, ms = 5000): Promise<string[]> {
  if (!path || path === '/') return [];
  const deadline = Date.now() + ms;
  let left = cgroupDirs(path);
  while (left.length) {
    for (const dir of left) {
      for (const pid of procsIn(dir))
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone already */
        }
      try {
        rmdirSync(dir);
      } catch {
        /* still busy until its processes are reaped, or already gone */
      }
    }
    left = left.filter((d) => existsSync(d));
    if (!left.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return left;
}
