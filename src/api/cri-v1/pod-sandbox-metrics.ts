import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ListMetricDescriptorsResponse } from '../gen/v1/runtime/v1/ListMetricDescriptorsResponse.js';
import type { ListPodSandboxMetricsResponse } from '../gen/v1/runtime/v1/ListPodSandboxMetricsResponse.js';
import type { StreamPodSandboxMetricsRequest__Output } from '../gen/v1/runtime/v1/StreamPodSandboxMetricsRequest.js';
import type { StreamPodSandboxMetricsResponse } from '../gen/v1/runtime/v1/StreamPodSandboxMetricsResponse.js';
import type { PodSandboxMetrics } from '../gen/v1/runtime/v1/PodSandboxMetrics.js';
import type { Metric } from '../gen/v1/runtime/v1/Metric.js';
import type { MetricDescriptor } from '../gen/v1/runtime/v1/MetricDescriptor.js';
import type { ContainerUsage, PodUsage } from '../../container/stats.js';
import { inChunks } from './chunks.js';
import type { V1Deps } from './deps.js';

// cAdvisor's labels, which the kubelet's /metrics/cadvisor and the dashboards built on it select by.
const LABELS = ['container', 'id', 'image', 'name', 'namespace', 'pod'];
const NET_LABELS = [...LABELS, 'interface'];

type Kind = 'COUNTER' | 'GAUGE';
interface Def {
  name: string;
  help: string;
  type: Kind;
  labels: string[];
}

const def = (name: string, type: Kind, help: string, labels = LABELS): Def => ({ name, type, help, labels });

const CPU = def('container_cpu_usage_seconds_total', 'COUNTER', 'Cumulative cpu time consumed in seconds (whole seconds: CRI metric values are integers).');
const WORKING_SET = def('container_memory_working_set_bytes', 'GAUGE', 'Current working set in bytes.');
const MEMORY = def('container_memory_usage_bytes', 'GAUGE', 'Current memory usage in bytes, including all memory regardless of when it was accessed.');
const RSS = def('container_memory_rss', 'GAUGE', 'Size of RSS in bytes.');
const FAULTS = def('container_memory_failures_total', 'COUNTER', 'Cumulative count of page faults.');
const FS = def('container_fs_usage_bytes', 'GAUGE', "Number of bytes consumed by the container's writable layer.");
const INODES = def('container_fs_inodes_total', 'GAUGE', "Number of inodes of the container's writable layer.");
const RX = def('container_network_receive_bytes_total', 'COUNTER', 'Cumulative count of bytes received.', NET_LABELS);
const TX = def('container_network_transmit_bytes_total', 'COUNTER', 'Cumulative count of bytes transmitted.', NET_LABELS);
const RX_ERR = def('container_network_receive_errors_total', 'COUNTER', 'Cumulative count of errors encountered while receiving.', NET_LABELS);
const TX_ERR = def('container_network_transmit_errors_total', 'COUNTER', 'Cumulative count of errors encountered while transmitting.', NET_LABELS);
const ALL = [CPU, WORKING_SET, MEMORY, RSS, FAULTS, FS, INODES, RX, TX, RX_ERR, TX_ERR];

function metric(d: Def, timestamp: string, labels: string[], value: number | bigint | undefined): Metric[] {
  if (value === undefined) return [];
  return [{ name: d.name, timestamp, metric_type: d.type, label_values: labels, value: { value: value.toString() } }];
}

function containerMetrics(p: PodUsage, u: ContainerUsage): Metric[] {
  const c = u.container;
  const labels = [c.spec.name, `/${p.sandbox.id}/${c.id}`, c.image, c.id, p.sandbox.spec.namespace, p.sandbox.spec.name];
  const out: Metric[] = [];
  if (u.cpu) out.push(...metric(CPU, u.cpu.timestamp, labels, u.cpu.usageCoreNanoSeconds / 1_000_000_000n));
  if (u.memory) {
    const m = u.memory;
    out.push(...metric(WORKING_SET, m.timestamp, labels, m.workingSetBytes), ...metric(MEMORY, m.timestamp, labels, m.usageBytes));
    out.push(...metric(RSS, m.timestamp, labels, m.rssBytes), ...metric(FAULTS, m.timestamp, labels, m.pageFaults));
  }
  const l = u.writableLayer;
  if (l) out.push(...metric(FS, l.timestamp, labels, l.usedBytes), ...metric(INODES, l.timestamp, labels, l.inodesUsed));
  return out;
}

/** cAdvisor reports a pod's network on the pod itself (container ""), per interface. */
function podMetrics(p: PodUsage): Metric[] {
  const net = p.network;
  if (!net) return [];
  const s = p.sandbox;
  return net.interfaces.flatMap((i) => {
    const labels = ['', `/${s.id}`, '', s.id, s.spec.namespace, s.spec.name, i.name];
    return [
      ...metric(RX, net.timestamp, labels, i.rxBytes),
      ...metric(TX, net.timestamp, labels, i.txBytes),
      ...metric(RX_ERR, net.timestamp, labels, i.rxErrors),
      ...metric(TX_ERR, net.timestamp, labels, i.txErrors),
    ];
  });
}

function toV1PodMetrics(p: PodUsage): PodSandboxMetrics {
  return {
    pod_sandbox_id: p.sandbox.id,
    metrics: podMetrics(p),
    container_metrics: p.containers.map((u) => ({ container_id: u.container.id, metrics: containerMetrics(p, u) })),
  };
}

export function listMetricDescriptors() {
  const descriptors: MetricDescriptor[] = ALL.map((d) => ({ name: d.name, help: d.help, label_keys: d.labels }));
  return (): ListMetricDescriptorsResponse => ({ descriptors });
}

export function listPodSandboxMetrics(d: V1Deps) {
  return async (): Promise<ListPodSandboxMetricsResponse> => ({ pod_metrics: (await d.stats.pods({ state: 'READY' })).map(toV1PodMetrics) });
}

export function streamPodSandboxMetrics(d: V1Deps) {
  return async (call: ServerWritableStream<StreamPodSandboxMetricsRequest__Output, StreamPodSandboxMetricsResponse>): Promise<void> => {
    inChunks((await d.stats.pods({ state: 'READY' })).map(toV1PodMetrics), (chunk) => call.write({ pod_sandbox_metrics: chunk }));
  };
}
