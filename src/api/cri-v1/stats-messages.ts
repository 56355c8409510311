import type { ContainerStats } from '../gen/v1/runtime/v1/ContainerStats.js';
import type { PodSandboxStats } from '../gen/v1/runtime/v1/PodSandboxStats.js';
import type { CpuUsage as V1Cpu } from '../gen/v1/runtime/v1/CpuUsage.js';
import type { MemoryUsage as V1Memory } from '../gen/v1/runtime/v1/MemoryUsage.js';
import type { SwapUsage as V1Swap } from '../gen/v1/runtime/v1/SwapUsage.js';
import type { NetworkInterfaceUsage } from '../gen/v1/runtime/v1/NetworkInterfaceUsage.js';
import type { ContainerStatsFilter__Output } from '../gen/v1/runtime/v1/ContainerStatsFilter.js';
import type { PodSandboxStatsFilter__Output } from '../gen/v1/runtime/v1/PodSandboxStatsFilter.js';
import type { ContainerUsage, CpuUsage, MemoryUsage, PodUsage, SwapUsage } from '../../container/stats.js';
import type { ContainerFilter } from '../../container/containers.js';
import type { SandboxFilter } from '../../sandbox/sandboxes.js';
import type { InterfaceCounters } from '../../host/net-dev.js';
import { idFilter, stringMap } from '../validate.js';

/** The interface the kubelet takes for the pod's own (CNI names it so). */
const DEFAULT_INTERFACE = 'eth0';

/** A number where it is exact: the encoder turns a decimal string into a 64-bit value at several times the cost. */
const u64 = (n: number | bigint | undefined) =>
  n === undefined ? undefined : { value: typeof n === 'number' ? n : n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString() };

function cpu(c: CpuUsage | undefined): V1Cpu | undefined {
  return c && { timestamp: c.timestamp, usage_core_nano_seconds: u64(c.usageCoreNanoSeconds), usage_nano_cores: u64(c.usageNanoCores) };
}

function memory(m: MemoryUsage | undefined): V1Memory | undefined {
  return (
    m && {
      timestamp: m.timestamp,
      working_set_bytes: u64(m.workingSetBytes),
      available_bytes: u64(m.availableBytes),
      usage_bytes: u64(m.usageBytes),
      rss_bytes: u64(m.rssBytes),
      page_faults: u64(m.pageFaults),
      major_page_faults: u64(m.majorPageFaults),
    }
  );
}

function swap(s: SwapUsage | undefined): V1Swap | undefined {
  return s && { timestamp: s.timestamp, swap_usage_bytes: u64(s.usageBytes), swap_available_bytes: u64(s.availableBytes) };
}

function iface(i: InterfaceCounters): NetworkInterfaceUsage {
  return { name: i.name, rx_bytes: u64(i.rxBytes), rx_errors: u64(i.rxErrors), tx_bytes: u64(i.txBytes), tx_errors: u64(i.txErrors) };
}

export function toV1ContainerStats(u: ContainerUsage): ContainerStats {
  const c = u.container;
  const l = u.writableLayer;
  return {
    attributes: { id: c.id, metadata: { name: c.spec.name, attempt: c.spec.attempt }, labels: c.spec.labels, annotations: c.spec.annotations },
    cpu: cpu(u.cpu),
    memory: memory(u.memory),
    swap: swap(u.swap),
    writable_layer: l && { timestamp: l.timestamp, fs_id: { mountpoint: l.mountpoint }, used_bytes: u64(l.usedBytes), inodes_used: u64(l.inodesUsed) },
  };
}

export function toV1PodSandboxStats(u: PodUsage): PodSandboxStats {
  const s = u.sandbox;
  const net = u.network;
  const def = net?.interfaces.find((i) => i.name === DEFAULT_INTERFACE);
  return {
    attributes: {
      id: s.id,
      metadata: { name: s.spec.name, uid: s.spec.uid, namespace: s.spec.namespace, attempt: s.spec.attempt },
      labels: s.spec.labels,
      annotations: s.spec.annotations,
    },
    linux: {
      cpu: cpu(u.cpu),
      memory: memory(u.memory),
      network: net && { timestamp: net.timestamp, default_interface: def && iface(def), interfaces: net.interfaces.map(iface) },
      process: u.processes && { timestamp: u.processes.timestamp, process_count: u64(u.processes.count) },
      containers: u.containers.map(toV1ContainerStats),
    },
  };
}

export function v1ContainerStatsFilter(f: ContainerStatsFilter__Output | undefined): ContainerFilter {
  if (!f) return {};
  return { id: idFilter(f.id), sandboxId: idFilter(f.pod_sandbox_id), labels: stringMap(f.label_selector, 'filter.label_selector') };
}

export function v1PodSandboxStatsFilter(f: PodSandboxStatsFilter__Output | undefined): SandboxFilter {
  if (!f) return {};
  return { id: idFilter(f.id), labels: stringMap(f.label_selector, 'filter.label_selector') };
}
