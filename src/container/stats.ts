import { join } from 'node:path';
import type { Logger } from '../daemon/log.js';
import { nowNs } from '../ids.js';
import type { ContainerRecord } from '../store/container-store.js';
import type { SandboxRecord } from '../store/sandbox-store.js';
import type { SandboxFilter, Sandboxes } from '../sandbox/sandboxes.js';
import type { ContainerFilter, Containers } from './containers.js';
import { cgroupParentPath, containerCgroupsPath } from './cgroups.js';
import { CgroupFiles, readCgroup, type CgroupSample } from '../host/cgroupfs.js';
import { diskUsage } from '../host/disk-usage.js';
import { inNetns, netDevOfNetns, netDevOfPid, type InterfaceCounters } from '../host/net-dev.js';

export interface CpuUsage {
  timestamp: string;
  usageCoreNanoSeconds: bigint;
  /** Over the time since the previous sample of the same cgroup; absent until there is one. */
  usageNanoCores?: number;
}

export interface MemoryUsage {
  timestamp: string;
  usageBytes: number;
  workingSetBytes: number;
  rssBytes: number;
  pageFaults: number;
  majorPageFaults: number;
  /** limit - working set; absent when unlimited. */
  availableBytes?: number;
}

export interface SwapUsage {
  timestamp: string;
  usageBytes: number;
  availableBytes?: number;
}

export interface LayerUsage {
  timestamp: string;
  mountpoint: string;
  usedBytes: number;
  inodesUsed: number;
}

export interface ContainerUsage {
  container: ContainerRecord;
  cpu?: CpuUsage;
  memory?: MemoryUsage;
  swap?: SwapUsage;
  writableLayer?: LayerUsage;
  processes?: number;
}

export interface NetworkUsage {
  timestamp: string;
  /** The pod's interfaces, loopback left out. */
  interfaces: InterfaceCounters[];
}

export interface PodUsage {
  sandbox: SandboxRecord;
  cpu?: CpuUsage;
  memory?: MemoryUsage;
  swap?: SwapUsage;
  processes?: { timestamp: string; count: number };
  network?: NetworkUsage;
  containers: ContainerUsage[];
}

export interface StatsDeps {
  containers: Containers;
  sandboxes: Sandboxes;
  log: Logger;
  /** The filesystem the writable layers are on, as ImageFsInfo names it. */
  mountpoint: string;
  /** How often writable layers are measured again (containerd's stats_collect_period is 10 s). */
  layerIntervalMs?: number;
}

/** A rate over less time than this is noise: a call this soon after the last repeats the last rate. */
const MIN_RATE_WINDOW_NS = 1_000_000_000n;
const LAYER_INTERVAL_MS = 10_000;
/**
 * How long a cgroup's sample answers further calls: the kubelet asks for
 * container and pod stats (and metrics) in the same breath, and v1's
 * memory.stat costs the kernel a millisecond or more per cgroup.
 */
const SAMPLE_MAX_AGE_MS = 1000;
/** Cgroup files no call read for this long are closed (the kubelet asks every 10 s or so). */
const FILES_IDLE_MS = 60_000;

interface RateState {
  usage: bigint;
  at: bigint;
  rate?: number;
}

/** How long a stats call waits for a container's first writable-layer measurement before answering without it. */
const FIRST_MEASURE_WAIT_MS = 500;

/**
 * Resource use of containers and pods, read from their cgroups and the
 * pod's network namespace at each call. Writable layers are walked in the
 * background, one at a time, and calls answer with the last figure: a call
 * for many containers walks no tree.
 */
export class Stats {
  private readonly rates = new Map<string, RateState>();
  private readonly layers = new Map<string, LayerUsage>();
  private readonly firstMeasures = new Map<string, Promise<LayerUsage>>();
  private firstQueue: Promise<void> = Promise.resolve();
  private readonly samples = new Map<string, { at: number; sample: Promise<CgroupSample | undefined> }>();
  private readonly files = new CgroupFiles();
  private timer: NodeJS.Timeout | undefined;
  private walking: Promise<void> | undefined;

  constructor(private readonly d: StatsDeps) {}

  /** Starts the background measurement of writable layers. */
  start(): void {
    this.timer = setInterval(() => void this.measureLayers(), this.d.layerIntervalMs ?? LAYER_INTERVAL_MS);
    this.timer.unref();
    void this.measureLayers();
  }

  close(): void {
    clearInterval(this.timer);
    this.files.closeAll();
  }

  container(idOrPrefix: string): Promise<ContainerUsage> {
    const c = this.d.containers.get(idOrPrefix);
    return this.ofContainer(c, this.d.sandboxes.find(c.sandboxId));
  }

  /** Pods are listed once for all containers: a lookup per container cost more than its cgroup reads. */
  containers(f: ContainerFilter): Promise<ContainerUsage[]> {
    const pods = new Map(this.d.sandboxes.list().map((s) => [s.id, s]));
    return Promise.all(this.d.containers.list(f).map((c) => this.ofContainer(c, pods.get(c.sandboxId))));
  }

  async pod(idOrPrefix: string): Promise<PodUsage> {
    const s = this.d.sandboxes.get(idOrPrefix);
    return this.ofPod(s, this.d.containers.list({ sandboxId: s.id }));
  }

  /** Containers are listed once for all pods: listing per pod would read every container's state per pod. */
  async pods(f: SandboxFilter): Promise<PodUsage[]> {
    const byPod = new Map<string, ContainerRecord[]>();
    for (const c of this.d.containers.list()) byPod.set(c.sandboxId, [...(byPod.get(c.sandboxId) ?? []), c]);
    return Promise.all(this.d.sandboxes.list(f).map((s) => this.ofPod(s, byPod.get(s.id) ?? [])));
  }

  /** What every writable layer takes, from the last background measurement. */
  writableLayersTotal(): LayerUsage {
    let usedBytes = 0;
    let inodesUsed = 0;
    let timestamp = '0';
    for (const l of this.layers.values()) {
      usedBytes += l.usedBytes;
      inodesUsed += l.inodesUsed;
      if (BigInt(l.timestamp) > BigInt(timestamp)) timestamp = l.timestamp;
    }
    return { timestamp: timestamp === '0' ? nowNs() : timestamp, mountpoint: this.d.mountpoint, usedBytes, inodesUsed };
  }

  /** `pod` is the container's pod, undefined if it is gone. */
  private async ofContainer(c: ContainerRecord, pod: SandboxRecord | undefined): Promise<ContainerUsage> {
    const u: ContainerUsage = { container: c, writableLayer: await this.layer(c) };
    if (c.state !== 'RUNNING') return u;
    const sample = await this.sample(containerCgroupsPath(pod ? this.d.sandboxes.cgroupParent(pod) : '', c.id));
    return sample ? { ...u, ...this.fromSample(c.id, sample) } : u;
  }

  private fromSample(key: string, s: CgroupSample): Pick<ContainerUsage, 'cpu' | 'memory' | 'swap' | 'processes'> {
    const timestamp = s.timestampNs.toString();
    const out: Pick<ContainerUsage, 'cpu' | 'memory' | 'swap' | 'processes'> = { processes: s.pids };
    if (s.cpuUsageNs !== undefined)
      out.cpu = { timestamp, usageCoreNanoSeconds: s.cpuUsageNs, usageNanoCores: this.rate(key, s.cpuUsageNs, s.monotonicNs) };
    if (s.memory) {
      const m = s.memory;
      out.memory = {
        timestamp,
        usageBytes: m.usage,
        workingSetBytes: m.workingSet,
        rssBytes: m.rss,
        pageFaults: m.pageFaults,
        majorPageFaults: m.majorPageFaults,
        availableBytes: m.limit !== undefined ? Math.max(0, m.limit - m.workingSet) : undefined,
      };
    }
    if (s.swap) out.swap = { timestamp, usageBytes: s.swap.usage, availableBytes: s.swap.limit !== undefined ? Math.max(0, s.swap.limit - s.swap.usage) : undefined };
    return out;
  }

  /** CPU cores used since the previous sample of `key` (kept in memory, one per cgroup). */
  private rate(key: string, usage: bigint, at: bigint): number | undefined {
    const prev = this.rates.get(key);
    if (!prev || usage < prev.usage) {
      this.rates.set(key, { usage, at });
      return undefined;
    }
    const dt = at - prev.at;
    if (dt < MIN_RATE_WINDOW_NS) return prev.rate;
    const rate = Number(((usage - prev.usage) * 1_000_000_000n) / dt);
    this.rates.set(key, { usage, at, rate });
    return rate;
  }

  /**
   * The last background figure; a container the pass has not reached yet
   * (a new one) is measured now, once however many calls ask, so that no
   * answer lacks its writable layer (a kubelet reads a missing one as
   * unknown usage). First measurements go one tree at a time, and a call
   * waits for one at most FIRST_MEASURE_WAIT_MS: after a restart, when no
   * layer has been measured yet, a call must not wait for every walk.
   */
  private async layer(c: ContainerRecord): Promise<LayerUsage | undefined> {
    const l = this.layers.get(c.id);
    if (l) return l;
    let first = this.firstMeasures.get(c.id);
    if (!first) {
      first = this.firstQueue.then(() => this.layers.get(c.id) ?? this.measureLayer(c)).finally(() => this.firstMeasures.delete(c.id));
      this.firstQueue = first.then(
        () => undefined,
        () => undefined,
      );
      this.firstMeasures.set(c.id, first);
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), FIRST_MEASURE_WAIT_MS);
    });
    try {
      return await Promise.race([first, late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async measureLayer(c: ContainerRecord): Promise<LayerUsage> {
    const u = await diskUsage([join(c.upper, 'upper')]);
    const l = { timestamp: nowNs(), mountpoint: this.d.mountpoint, usedBytes: u.bytes, inodesUsed: u.inodes };
    this.layers.set(c.id, l);
    return l;
  }

  /** One pass at a time, one tree at a time: many containers never mean many walks at once. */
  private measureLayers(): Promise<void> {
    const run = async (prior: Promise<void> | undefined) => {
      await prior;
      let all: ContainerRecord[];
      try {
        all = this.d.containers.list();
        this.prune(new Set(all.map((c) => c.id)), new Set(this.d.sandboxes.list().map((x) => x.id)));
      } catch (err) {
        // Nobody awaits a timer's pass: a throw here would end berthd, where it should only skip this pass.
        this.d.log.warn({ err: (err as Error).message }, 'listing containers for the writable-layer pass failed');
        return;
      }
      for (const c of all) {
        try {
          await this.measureLayer(c);
        } catch (err) {
          this.d.log.warn({ container: c.id, err: (err as Error).message }, 'measuring a writable layer failed');
        }
      }
    };
    const p = run(this.walking).finally(() => {
      if (this.walking === p) this.walking = undefined;
    });
    this.walking = p;
    return p;
  }

  /** The cgroup's figures, read again once the last reading is SAMPLE_MAX_AGE_MS old (calls at once share one). */
  private sample(path: string): Promise<CgroupSample | undefined> {
    const now = Date.now();
    const cached = this.samples.get(path);
    if (cached && now - cached.at < SAMPLE_MAX_AGE_MS) return cached.sample;
    const sample = readCgroup(path, undefined, this.files);
    this.samples.set(path, { at: now, sample });
    return sample;
  }

  /** Drops what is kept of containers and pods that are gone. */
  private prune(containers: Set<string>, pods: Set<string>): void {
    for (const [path, { at }] of this.samples) if (Date.now() - at > SAMPLE_MAX_AGE_MS) this.samples.delete(path);
    this.files.closeIdle(FILES_IDLE_MS);
    for (const id of this.layers.keys()) if (!containers.has(id)) this.layers.delete(id);
    for (const id of this.rates.keys()) if (!(id.startsWith('pod:') ? pods.has(id.slice(4)) : containers.has(id))) this.rates.delete(id);
  }

  private async ofPod(s: SandboxRecord, records: ContainerRecord[]): Promise<PodUsage> {
    const containers = await Promise.all(records.map((c) => this.ofContainer(c, s)));
    const u: PodUsage = { sandbox: s, containers };
    if (s.state !== 'READY') return u;
    const parent = this.d.sandboxes.cgroupParent(s);
    const podSample = parent && cgroupParentPath(parent) !== '/' ? await this.sample(cgroupParentPath(parent)) : undefined;
    if (podSample) {
      const own = this.fromSample(`pod:${s.id}`, podSample);
      Object.assign(u, { cpu: own.cpu, memory: own.memory, swap: own.swap });
      if (own.processes !== undefined) u.processes = { timestamp: podSample.timestampNs.toString(), count: own.processes };
    } else Object.assign(u, sumOf(containers));
    u.network = await this.network(s, containers);
    return u;
  }

  /**
   * The pod's interface counters: read through a running container's
   * /proc/PID/net (no exec) when one is in the pod's namespace, else by
   * one nsenter into the pinned namespace.
   */
  private async network(s: SandboxRecord, containers: ContainerUsage[]): Promise<NetworkUsage | undefined> {
    if (s.spec.hostNetwork || !s.netns) return undefined;
    const timestamp = nowNs();
    const inside = containers.find((c) => c.container.state === 'RUNNING' && inNetns(c.container.pid, s.netns))?.container.pid;
    const counters = (inside ? netDevOfPid(inside) : undefined) ?? (await netDevOfNetns(s.netns));
    return counters ? { timestamp, interfaces: counters.filter((i) => i.name !== 'lo') } : undefined;
  }
}

/** A pod without a cgroup of its own: its running containers' figures added up. */
function sumOf(containers: ContainerUsage[]): Pick<PodUsage, 'cpu' | 'memory' | 'processes'> {
  const running = containers.filter((c) => c.cpu || c.memory);
  const timestamp = nowNs();
  const out: Pick<PodUsage, 'cpu' | 'memory' | 'processes'> = {};
  if (!running.length) return out;
  const withCpu = running.filter((c) => c.cpu);
  if (withCpu.length)
    out.cpu = {
      timestamp,
      usageCoreNanoSeconds: withCpu.reduce((n, c) => n + c.cpu!.usageCoreNanoSeconds, 0n),
      usageNanoCores: withCpu.every((c) => c.cpu!.usageNanoCores !== undefined) ? withCpu.reduce((n, c) => n + c.cpu!.usageNanoCores!, 0) : undefined,
    };
  const withMem = running.filter((c) => c.memory);
  if (withMem.length) {
    const sum = (f: (m: MemoryUsage) => number) => withMem.reduce((n, c) => n + f(c.memory!), 0);
    out.memory = {
      timestamp,
      usageBytes: sum((m) => m.usageBytes),
      workingSetBytes: sum((m) => m.workingSetBytes),
      rssBytes: sum((m) => m.rssBytes),
      pageFaults: sum((m) => m.pageFaults),
      majorPageFaults: sum((m) => m.majorPageFaults),
    };
  }
  out.processes = { timestamp, count: running.reduce((n, c) => n + (c.processes ?? 0), 0) };
  return out;
}
