import type { RuntimeServiceClient } from '../api/gen/v1/runtime/v1/RuntimeService.js';
import type { ContainerStats__Output } from '../api/gen/v1/runtime/v1/ContainerStats.js';
import type { PodSandboxStats__Output } from '../api/gen/v1/runtime/v1/PodSandboxStats.js';
import type { ListContainerStatsResponse__Output } from '../api/gen/v1/runtime/v1/ListContainerStatsResponse.js';
import type { ListPodSandboxStatsResponse__Output } from '../api/gen/v1/runtime/v1/ListPodSandboxStatsResponse.js';
import type { ContainerEventResponse__Output } from '../api/gen/v1/runtime/v1/ContainerEventResponse.js';
import { call } from './client.js';
import { table, bytes, shortId } from './format.js';
import { emit, protoJson } from './output.js';

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

export interface StatsOptions {
  format: 'table' | 'json' | 'yaml';
  watch: boolean;
  seconds: number;
  timeoutMs: number;
  /** stats: containers that use no CPU and no memory (not running) too, as crictl's -a. */
  all?: boolean;
}

const byId = <T extends { attributes?: { id?: string } | null }>(stats: T[]) =>
  [...stats].sort((a, b) => ((a.attributes?.id ?? '') < (b.attributes?.id ?? '') ? -1 : 1));

/**
 * -o json|yaml: one sample (crictl's form, lowerCamelCase keys, sorted by
 * id), or with `watch` one every `seconds` until ^C.
 */
async function printSamples<T extends { attributes?: { id?: string } | null }>(sample: () => Promise<T[]>, o: StatsOptions): Promise<void> {
  for (;;) {
    await emit(protoJson({ stats: byId(await sample()) }), o.format as 'json' | 'yaml');
    if (!o.watch) return;
    await sleep(o.seconds * 1000);
  }
}

/**
 * `berthctl stats`: CONTAINER NAME CPU % MEM DISK INODES, the CPU share
 * from two samples `seconds` apart; with `watch`, refreshed until ^C.
 */
export async function printContainerStats(c: RuntimeServiceClient, q: StatsQuery, o: StatsOptions): Promise<void> {
  if (o.format !== 'table') return printSamples(() => containerSamples(c, q, o.timeoutMs), o);
  let before = new Map((await containerSamples(c, q, o.timeoutMs)).map((s) => [s.attributes?.id ?? '', s]));
  for (;;) {
    await sleep(o.seconds * 1000);
    const now = byId(await containerSamples(c, q, o.timeoutMs));
    // Without -a, as crictl: only containers that use something, i.e. run.
    const shown = o.all ? now : now.filter((s) => num(s.cpu?.usage_core_nano_seconds) > 0 || num(s.memory?.working_set_bytes) > 0);
    process.stdout.write(
      (o.watch ? CLEAR : '') +
        table(
          ['CONTAINER', 'NAME', 'CPU %', 'MEM', 'DISK', 'INODES'],
          shown.map((s) => [
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
export async function printPodStats(c: RuntimeServiceClient, q: StatsQuery, o: StatsOptions): Promise<void> {
  if (o.format !== 'table') return printSamples(() => podSamples(c, q, o.timeoutMs), o);
  let before = new Map((await podSamples(c, q, o.timeoutMs)).map((s) => [s.attributes?.id ?? '', s]));
  for (;;) {
    await sleep(o.seconds * 1000);
    const now = byId(await podSamples(c, q, o.timeoutMs));
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
