import { readdirSync, readFileSync } from 'node:fs';

/** The pids of a process's descendants, from /proc's children lists. */
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const t of tasks) {
    let children = '';
    try {
      children = readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const c of children.split(' ').filter(Boolean).map(Number)) out.push(c, ...descendants(c));
  }
  return out;
}

/** SIGKILLs a process and everything below it, deepest first. */
export function killTree(pid: number): void {
  for (const p of [...descendants(pid).reverse(), pid]) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

/**
 * Whether a pid stored earlier still names a process of the container `id`
 * (its cgroup path carries the id) rather than whatever process reused the
 * number since; only then may it be signalled or counted as the container.
 */
export function inContainerCgroup(pid: number, id: string): boolean {
  if (!(pid > 0)) return false;
  try {
    return readFileSync(`/proc/${pid}/cgroup`, 'utf8').includes(id);
  } catch {
    return false;
  }
}

/** Whether a stored pid is still the conmon that monitors container `id` (its argv names the id). */
export function isMonitorOf(pid: number, id: string): boolean {
  if (!(pid > 0)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(id);
  } catch {
    return false;
  }
}
