import { closeSync, readdirSync, readFileSync } from 'node:fs';
import { host } from './native.js';

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

/**
 * Whether a stored pid is still the conmon that monitors container `id`:
 * its argv gives the id as conmon's `-c`. Not merely names it, as a `runc
 * exec`, `crictl inspect` or `berthctl logs` of that container given the
 * dead conmon's number would.
 */
export function isMonitorOf(pid: number, id: string): boolean {
  if (!(pid > 0)) return false;
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.some((arg, i) => arg === id && argv[i - 1] === '-c');
  } catch {
    return false;
  }
}

/** The kernel's largest pid_max (include/linux/threads.h): a stored number above it names no process. */
const PID_MAX_LIMIT = 4_194_304;

/**
 * A process held through a pidfd, which stays bound to that process, not to
 * the number: once the process has exited, even if its pid is given to
 * another, the pidfd says so. Many are checked with one poll (aliveAll)
 * rather than a read of a /proc file each.
 */
export class ProcessHandle {
  private constructor(private fd: number | undefined) {}

  /**
   * undefined when `pid` names no process now, and when it cannot be held
   * (out of fds or memory): callers then check through /proc, as they
   * would without pidfds.
   */
  static open(pid: number): ProcessHandle | undefined {
    if (!Number.isInteger(pid) || pid <= 0 || pid > PID_MAX_LIMIT) return undefined;
    try {
      const fd = host.pidfdOpen(pid);
      return fd < 0 ? undefined : new ProcessHandle(fd);
    } catch {
      return undefined;
    }
  }

  /**
   * Known to be running, and not a zombie (an orphan's new parent may never
   * reap it). False also when the poll itself fails (out of memory): the
   * callers then check through /proc, never answer a List with an error.
   */
  alive(): boolean {
    return ProcessHandle.aliveAll([this])[0];
  }

  /** alive() of each, from one system call. */
  static aliveAll(handles: ProcessHandle[]): boolean[] {
    const fds = Int32Array.from(handles, (h) => h.fd ?? -1);
    let exited: Uint8Array;
    try {
      exited = host.pidfdsExited(fds);
    } catch {
      return handles.map(() => false);
    }
    return handles.map((h, i) => h.fd !== undefined && !exited[i]);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
