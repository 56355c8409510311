import type { RuntimeServiceClient } from '../api/gen/v1/runtime/v1/RuntimeService.js';
import type { ContainerStats__Output } from '../api/gen/v1/runtime/v1/ContainerStats.js';
import type { PodSandboxStats__Output } from '../api/gen/v1/runtime/v1/PodSandboxStats.js';
import type { ListContainerStatsResponse__Output } from '../api/gen/v1/runtime/v1/ListContainerStatsResponse.js';
import type { ListPodSandboxStatsResponse__Output } from '../api/gen/v1/runtime/v1/ListPodSandboxStatsResponse.js';
import type { ContainerEventResponse__Output } from '../api/gen/v1/runtime/v1/ContainerEventResponse.js';
import { call } from './client.js';
import { table, bytes, shortId } from './format.js';

export interface StatsQuery {
  id?: string;
  podId?: string;
  labels: Record<string, string>;
}

const CLEAR = '\x1b[2J\x1b[H';
const num = (v: { value?: string } | undefined) => Number(v?.value ?? 0);

/** CPU % over two samples, as crictl prints it: the core time used between them per wall time. */
function cpuPercent(a: { timestamp?: string; usage_core_nano_seconds?: { value?: string } } | undefined, b: typeof a): string {
  if (!a || !b) return '0.00';
  const dt = Number(b.timestamp) - Number(a.timestamp);
  const used = num(b.usage_core_nano_seconds) - num(a.usage_core_nano_seconds);
  return dt > 0 ? ((used / dt) * 100).toFixed(2) : '0.00';
}

async function containerSamples(c: RuntimeServiceClient, q: StatsQuery, timeoutMs: number): Promise<ContainerStats__Output[]> {
  const filter = { id: q.id ?? '', pod_sandbox_id: q.podId ?? '', label_selector: q.labels };
  return (await call<object, ListContainerStatsResponse__Output>(c, c.ListContainerStats as never, { filter }, timeoutMs)).stats;
}

async function podSamples(c: RuntimeServiceClient, q: StatsQuery, timeoutMs: number): Promise<PodSandboxStats__Output[]> {
  const filter = { id: q.id ?? '', label_selector: q.labels };
  return (await call<object, ListPodSandboxStatsResponse__Output>(c, c.ListPodSandboxStats as never, { filter }, timeoutMs)).stats;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `berthctl stats`: CONTAINER NAME CPU % MEM DISK INODES, the CPU share
 * from two samples `seconds` apart; with `watch`, refreshed until ^C.
 */
export async function printContainerStats(c: RuntimeServiceClient, q: StatsQuery, o: { json: boolean; watch: boolean; seconds: number; timeoutMs: number }): Promise<void> {
  let before = new Map((await containerSamples(c, q, o.timeoutMs)).map((s) => [s.attributes?.id ?? '', s]));
  for (;;) {
    await sleep(o.seconds * 1000);
    const now = await containerSamples(c, q, o.timeoutMs);
    if (o.json) process.stdout.write(JSON.stringify({ stats: now }, null, 2) + '\n');
    else
      process.stdout.write(
        (o.watch ? CLEAR : '') +
          table(
            ['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES'],
            now.map((s) => [
              shortId(s.attributes?.id ?? ''),
              s.attributes?.metadata?.name ?? '',
              cpuPercent(before.get(s.attributes?.id ?? '')?.cpu, s.cpu),
              bytes(num(s.memory?.working_set_bytes)),
              bytes(num(s.writable_layer?.used_bytes)),
              String(num(s.writable_layer?.inodes_used)),
            ]),
          ),
      );
    if (!o.watch) return;
    before = new Map(now.map((s) => [s.attributes?.id ?? '', s]));
  }
}

/** `berthctl statsp`: POD POD ID CPU % MEM, as crictl's statsp. */
export async function printPodStats(c: RuntimeServiceClient, q: StatsQuery, o: { json: boolean; watch: boolean; seconds: number; timeoutMs: number }): Promise<void> {
  let before = new Map((await podSamples(c, q, o.timeoutMs)).map((s) => [s.attributes?.id ?? '', s]));
  for (;;) {
    await sleep(o.seconds * 1000);
    const now = await podSamples(c, q, o.timeoutMs);
    if (o.json) process.stdout.write(JSON.stringify({ stats: now }, null, 2) + '\n');
    else
      process.stdout.write(
        (o.watch ? CLEAR : '') +
          table(
            ['POD', 'POD ID', 'CPU %', 'MEM', 'RX', 'TX'],
            now.map((s) => {
              const net = s.linux?.network?.interfaces ?? [];
              return [
                s.attributes?.metadata?.name ?? '',
                shortId(s.attributes?.id ?? ''),
                cpuPercent(before.get(s.attributes?.id ?? '')?.linux?.cpu, s.linux?.cpu),
                bytes(num(s.linux?.memory?.working_set_bytes)),
                bytes(net.reduce((n, i) => n + num(i.rx_bytes), 0)),
                bytes(net.reduce((n, i) => n + num(i.tx_bytes), 0)),
              ];
            }),
          ),
      );
    if (!o.watch) return;
    before = new Map(now.map((s) => [s.attributes?.id ?? '', s]));
  }
}

/** `berthctl events`: follows GetContainerEvents until ^C or the daemon ends it; a line (or a JSON object) per event. */
export function followEvents(c: RuntimeServiceClient, json: boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const stream = c.GetContainerEvents({});
    stream.on('data', (e: ContainerEventResponse__Output) => {
      if (json) return void process.stdout.write(JSON.stringify(e) + '\n');
      const at = new Date(Number(BigInt(e.created_at ?? '0') / 1_000_000n)).toISOString();
      const type = (e.container_event_type ?? 'CONTAINER_CREATED_EVENT').replace(/^CONTAINER_|_EVENT$/g, '');
      const pod = e.pod_sandbox_status?.id ?? '';
      process.stdout.write(`${at}  ${type.padEnd(7)}  ${shortId(e.container_id ?? '')}  pod ${shortId(pod)}${e.container_id === pod ? ' (sandbox)' : ''}\n`);
    });
    stream.on('error', reject);
    stream.on('end', resolve);
  });
}
