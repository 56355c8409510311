import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

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

const statmBuf = Buffer.alloc(128);

/**
 * A process held through its open /proc/PID/statm. The open file stays bound
 * to that process, not to the number: once the process is gone, even if its
 * pid is given to another, a read through it fails. A check is one read
 * instead of an open, a read and a close, with no pid reuse to rule out.
 */
export class ProcessHandle {
  private constructor(private fd: number | undefined) {}

  static open(pid: number): ProcessHandle | undefined {
    if (!(pid > 0)) return undefined;
    try {
      return new ProcessHandle(openSync(`/proc/${pid}/statm`, 'r'));
    } catch {
      return undefined;
    }
  }

  /**
   * Still running, and not a zombie (an orphan's new parent may never reap
   * it): an exiting process has let go of its memory, and its statm reads
   * size 0. statm, not stat, because the kernel makes it at a third of the cost.
   */
  alive(): boolean {
    if (this.fd === undefined) return false;
    try {
      const n = readSync(this.fd, statmBuf, 0, statmBuf.length, 0);
      return n > 1 && !(statmBuf[0] === 0x30 && statmBuf[1] === 0x20);
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
