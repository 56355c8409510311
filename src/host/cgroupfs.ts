import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nowNs } from '../ids.js';

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

/** Counters and gauges of one cgroup; a figure the host does not keep is left out. */
export interface CgroupSample {
  /** Wall clock in ns when the files were read. */
  timestampNs: bigint;
  /** Monotonic clock in ns at the same moment: what rates are computed over. */
  monotonicNs: bigint;
  /** CPU time used by everything in the cgroup, ns, cumulative. */
  cpuUsageNs?: bigint;
  memory?: {
    usage: number;
    /** usage minus inactive file pages: what the kernel cannot easily take back (the kubelet's eviction figure). */
    workingSet: number;
    rss: number;
    pageFaults: number;
    majorPageFaults: number;
    /** Absent when unlimited. */
    limit?: number;
  };
  swap?: { usage: number; limit?: number };
  pids?: number;
}

// cgroup v1 shows "no limit" as the largest page-aligned counter; anything this large is no limit.
const UNLIMITED = 2 ** 62;

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Reads through CgroupFiles run on the event loop this long at most before other work gets a turn. */
const SLICE_MS = 4;

/**
 * Cgroup files held open and read again with one pread each (from offset 0
 * the kernel writes the file anew), on the event loop: a figure is then one
 * system call, where readFile makes an open, a stat, reads and a close, each
 * a thread-pool round trip. Measured on the loaded 2-core VM: a v1
 * memory.stat pread takes ~30 us, the small files ~4 us, while 43
 * memory.stat read at once through the thread pool took 17-82 ms.
 * A file of a removed cgroup fails to read and is closed then; files not
 * read for a while are closed by closeIdle.
 */
export class CgroupFiles {
  private readonly held = new Map<string, { fd: number; usedAt: number }>();
  // Larger than any cgroup file these are (v1 memory.stat is ~1.5 KiB).
  private readonly buf = Buffer.alloc(64 * 1024);
  private sliceStart = 0;
  private turn: Promise<void> | undefined;

  /** Resolves when reads may go on: after SLICE_MS of them, once the event loop has had a turn. */
  async slice(): Promise<void> {
    while (performance.now() - this.sliceStart > SLICE_MS) {
      this.turn ??= new Promise<void>((resolve) =>
        setImmediate(() => {
          this.turn = undefined;
          this.sliceStart = performance.now();
          resolve();
        }),
      );
      await this.turn;
    }
  }

  /**
   * The file's text, or undefined if it cannot be read (no such file, or its
   * cgroup is gone). A held file that fails is opened again once: its cgroup
   * may have been removed and made again under the same path.
   */
  read(file: string, retry = true): string | undefined {
    let h = this.held.get(file);
    const fresh = !h;
    if (!h) {
      try {
        h = { fd: openSync(file, 'r'), usedAt: 0 };
      } catch {
        return undefined;
      }
      this.held.set(file, h);
    }
    h.usedAt = Date.now();
    try {
      return this.buf.toString('utf8', 0, readSync(h.fd, this.buf, 0, this.buf.length, 0));
    } catch {
      closeSync(h.fd);
      this.held.delete(file);
      return !fresh && retry ? this.read(file, false) : undefined;
    }
  }

  /** Closes the files no call has read for `ms`. */
  closeIdle(ms: number): void {
    const before = Date.now() - ms;
    for (const [file, h] of this.held)
      if (h.usedAt < before) {
        closeSync(h.fd);
        this.held.delete(file);
      }
  }

  closeAll(): void {
    this.closeIdle(-Infinity);
  }
}

function toNumber(t: string | undefined): number | undefined {
  const v = t?.trim();
  if (v === undefined || v === '' || v === 'max') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

function keyed(text: string | undefined): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

const limitOf = (n: number | undefined) => (n !== undefined && n < UNLIMITED ? n : undefined);

let v2: boolean | undefined;

function isV2(root: string): boolean {
  if (root !== CGROUP_ROOT) return existsSync(join(root, 'cgroup.controllers'));
  return (v2 ??= existsSync(join(root, 'cgroup.controllers')));
}

/** Reads files at once; asynchronously, as memory.stat costs the kernel a millisecond or more to produce. */
function readAll(files: string[]): Promise<(string | undefined)[]> {
  return Promise.all(files.map(readText));
}

/**
 * Reads a cgroup's CPU, memory, swap and pids figures from its files (a
 * handful of small reads, no walk): cpuacct/memory/pids hierarchies on
 * cgroup v1, the unified one on v2. Undefined when the cgroup is gone.
 * With `files`, through files held open (see CgroupFiles).
 */
export async function readCgroup(path: string, root = CGROUP_ROOT, files?: CgroupFiles): Promise<CgroupSample | undefined> {
  await files?.slice();
  const timestampNs = BigInt(nowNs());
  const monotonicNs = process.hrtime.bigint();
  const readFiles = async (names: string[]) => (files ? names.map((f) => files.read(f)) : readAll(names));
  if (isV2(root)) {
    const dir = join(root, path);
    if (!files && !existsSync(dir)) return undefined;
    const f = (name: string) => join(dir, name);
    const [cpuStat, current, stat, max, swapCurrent, swapMax, pids] = await readFiles(
      ['cpu.stat', 'memory.current', 'memory.stat', 'memory.max', 'memory.swap.current', 'memory.swap.max', 'pids.current'].map(f),
    );
    if (cpuStat === undefined && current === undefined) return undefined;
    const sample: CgroupSample = { timestampNs, monotonicNs, pids: toNumber(pids) };
    const cpu = keyed(cpuStat);
    if (cpu.has('usage_usec')) sample.cpuUsageNs = BigInt(cpu.get('usage_usec')!) * 1000n;
    const usage = toNumber(current);
    if (usage !== undefined) {
      const st = keyed(stat);
      sample.memory = {
        usage,
        workingSet: Math.max(0, usage - (st.get('inactive_file') ?? 0)),
        rss: st.get('anon') ?? 0,
        pageFaults: st.get('pgfault') ?? 0,
        majorPageFaults: st.get('pgmajfault') ?? 0,
        limit: limitOf(toNumber(max)),
      };
    }
    const swap = toNumber(swapCurrent);
    if (swap !== undefined) sample.swap = { usage: swap, limit: limitOf(toNumber(swapMax)) };
    return sample;
  }
  const memDir = join(root, 'memory', path);
  const cpuDir = join(root, 'cpuacct', path);
  if (!files && !existsSync(memDir) && !existsSync(cpuDir)) return undefined;
  const [cpuUsage, usageText, stat, memswText, pids] = await readFiles([
    join(cpuDir, 'cpuacct.usage'),
    join(memDir, 'memory.usage_in_bytes'),
    join(memDir, 'memory.stat'),
    join(memDir, 'memory.memsw.usage_in_bytes'),
    join(root, 'pids', path, 'pids.current'),
  ]);
  if (cpuUsage === undefined && usageText === undefined) return undefined;
  const sample: CgroupSample = { timestampNs, monotonicNs, pids: toNumber(pids) };
  const cpu = cpuUsage?.trim();
  if (cpu && /^\d+$/.test(cpu)) sample.cpuUsageNs = BigInt(cpu);
  const usage = toNumber(usageText);
  if (usage !== undefined) {
    const st = keyed(stat);
    sample.memory = {
      usage,
      workingSet: Math.max(0, usage - (st.get('total_inactive_file') ?? 0)),
      rss: st.get('total_rss') ?? 0,
      pageFaults: st.get('total_pgfault') ?? 0,
      majorPageFaults: st.get('total_pgmajfault') ?? 0,
      // The effective limit, a parent's included.
      limit: limitOf(st.get('hierarchical_memory_limit')),
    };
    // memsw counts memory plus swap; it exists only with swap accounting on.
    const memsw = toNumber(memswText);
    if (memsw !== undefined) {
      const memswLimit = limitOf(st.get('hierarchical_memsw_limit'));
      const memLimit = sample.memory.limit;
      sample.swap = { usage: Math.max(0, memsw - usage), limit: memswLimit !== undefined && memLimit !== undefined ? Math.max(0, memswLimit - memLimit) : undefined };
    }
  }
  return sample;
}
