#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import type * as grpc from '@grpc/grpc-js';
import { connectClients, DEFAULT_ENDPOINT, type Clients } from './client.js';
import { seedCri, v1Cri, type ContainerRow, type ContainerState, type Cri, type PodRow, type PodState } from './cri.js';
import { table, ago, bytes, shortId, goTime } from './format.js';
import { emit, parsedInfo, protoJson, readableContainerStatus, readablePodStatus, UsageError, type StatusFormat } from './output.js';
import { watchPull } from './pull-progress.js';
import { registerStreamCommands } from './stream-commands.js';
import { parseDuration, parseSince, printLogs } from './logs.js';
import { followEvents, printContainerStats, printPodStats } from './stats.js';
import { completionScript } from './completion.js';
import { statusName } from '../api/grpc/status.js';
import type { AuthFields } from './cri.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

// ---- argument parsers: a value that does not parse is a usage error, and nothing is sent.

function integer(min: number, what = 'a whole number') {
  return (value: string): number => {
    const n = Number(value);
    if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n)) throw new InvalidArgumentError(`expected ${what}`);
    if (n < min) throw new InvalidArgumentError(`expected ${what} >= ${min}`);
    return n;
  };
}

/** Seconds as a number (`30`, `1.5`) or a Go duration (`30s`, `2m`), as crictl's --timeout takes. */
function seconds(value: string): number {
  const d = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) * 1000 : parseDuration(value.trim());
  if (d === undefined || !(d > 0)) throw new InvalidArgumentError('expected a positive number of seconds or a duration like 30s or 2m');
  return d / 1000;
}

function since(value: string): number {
  const t = parseSince(value.trim());
  if (t === undefined) throw new InvalidArgumentError('expected an RFC 3339 time (2024-01-02T15:04:05Z) or a duration back from now (42m, 1h30m)');
  return t;
}

function stateParser<S extends string>(states: Record<string, S>) {
  return (value: string): S => {
    const s = states[value.toLowerCase().replace(/_/g, '')];
    if (!s) throw new InvalidArgumentError(`expected one of ${Object.keys(states).join(', ')}`);
    return s;
  };
}

function regex(value: string): RegExp {
  try {
    return new RegExp(value);
  } catch (err) {
    throw new InvalidArgumentError(`expected a regular expression (${(err as Error).message})`);
  }
}

const collect = (v: string, prev: string[] = []) => [...prev, v];
const SANDBOX_STATES: Record<string, PodState> = { ready: 'READY', notready: 'NOTREADY' };
const CONTAINER_STATES: Record<string, ContainerState> = { created: 'CREATED', running: 'RUNNING', exited: 'EXITED', unknown: 'UNKNOWN' };

function labelPairs(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new UsageError(`--label ${p}: expected key=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

type ListFormat = 'table' | 'json' | 'yaml';
const listOutput = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table');
const statusOutput = () => new Option('-o, --output <format>', 'output format').choices(['json', 'yaml', 'go-template', 'table']).default('json');
const templateOption = () =>
  new Option(
    '--template <template>',
    'with -o go-template: a Go template over the JSON, e.g. "{{.status.id}}" (a subset of Go templates: field paths, if/else, with, range, index)',
  );

const program = new Command('berthctl')
  .description('Command-line client for berth, with the commands and flags of crictl')
  .version(`berthctl version ${VERSION}`, '-v, --version', 'print the version of berthctl')
  .option('-r, --runtime-endpoint <socket>', 'berthd socket ($BERTH_ENDPOINT)', process.env.BERTH_ENDPOINT ?? DEFAULT_ENDPOINT)
  .option('--timeout <seconds>', 'deadline of each call: seconds or a duration (30s, 2m)', seconds, 120)
  .option('--seed', 'speak the seed CRI draft (package runtime) instead of CRI v1')
  .enablePositionalOptions()
  .showHelpAfterError();

let clients: Clients | undefined;
function api(): Clients {
  clients ??= connectClients(endpoint(), true);
  return clients;
}
const endpoint = () => program.opts<{ runtimeEndpoint: string }>().runtimeEndpoint;
const timeoutMs = () => program.opts<{ timeout: number }>().timeout * 1000;
const seed = () => program.opts<{ seed?: boolean }>().seed === true;
const v1 = () => {
  if (seed()) throw new UsageError('this command needs CRI v1; the seed draft has no such call (drop --seed)');
  return v1Cri(api(), timeoutMs());
};
const cri = (): Cri => (seed() ? seedCri(api(), timeoutMs()) : v1Cri(api(), timeoutMs()));

/** -o go-template without --template is a usage error, found before anything is sent. */
function needsTemplate(o: { output: string; template?: string }): void {
  if (o.output === "go-template" && o.template === undefined) throw new UsageError('-o go-template needs --template, e.g. --template "{{.status.id}}"');
}

async function listEmit(format: ListFormat, doc: unknown): Promise<boolean> {
  if (format === 'table') return false;
  await emit(doc, format);
  return true;
}

/** Prints what `draw` gives, or with --watch redraws it every second until interrupted (tables only). */
async function printOrWatch(o: { watch?: boolean; output: ListFormat }, draw: () => Promise<string | undefined>): Promise<void> {
  if (!o.watch) {
    const text = await draw();
    if (text !== undefined) process.stdout.write(text);
    return;
  }
  if (o.output !== 'table') throw new UsageError('--watch redraws a table: drop -o');
  const { refreshEvery } = await import('./watch.js');
  await refreshEvery(async () => (await draw()) ?? '', process.stdout);
}

/**
 * Runs `fn` for each id and goes on after a failure, as crictl's rm does:
 * each failure is printed, and the command exits 1 at the end. A daemon that
 * cannot be reached ends it at once.
 */
async function eachId(what: string, ids: string[], fn: (id: string) => Promise<void>): Promise<void> {
  let failed = 0;
  for (const id of ids) {
    try {
      await fn(id);
    } catch (err) {
      if (isServiceError(err) && connectionProblem(err)) throw err;
      failed++;
      process.stderr.write(`berthctl: ${what} ${id}: ${describe(err)}\n`);
    }
  }
  if (failed) process.exitCode = 1;
}

function requireIds(ids: string[], all: boolean | undefined, what: string): void {
  if (all && ids.length) throw new UsageError(`-a removes every ${what}: give no ids with it`);
  if (!all && !ids.length) throw new UsageError(`give one or more ${what} ids, or -a for all`);
}

program
  .command('version')
  .description('Print the runtime name and versions')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json', 'yaml']).default('table'))
  .action(async (o: { output: ListFormat }) => {
    const v = await cri().version();
    if (await listEmit(o.output, protoJson(v))) return;
    process.stdout.write(
      `Version:  ${v.version}\nRuntimeName:  ${v.runtime_name}\nRuntimeVersion:  ${v.runtime_version}\nRuntimeApiVersion:  ${v.runtime_api_version}\n`,
    );
  });

program
  .command('info')
  .description("Print the runtime's conditions and configuration (CRI v1 Status)")
  .addOption(statusOutput().choices(['json', 'yaml', 'go-template']))
  .addOption(templateOption())
  .action(async (o: { output: Exclude<StatusFormat, 'table'>; template?: string }) => {
    needsTemplate(o);
    const st = await v1().status();
    await emit({ status: protoJson(st.status), ...parsedInfo(st.info) }, o.output, o.template);
  });

// ---- pod sandboxes

// The checker loads the .proto (proto-loader, protobufjs) only for the commands that read a config.
const readConfig = async (file: string, type: string) => (await import('./config-file.js')).readMessageFile<object>(file, type, seed() ? 'seed' : 'v1');
const podConfig = (file: string) => readConfig(file, 'PodSandboxConfig');
const containerConfig = (file: string) => readConfig(file, 'ContainerConfig');

program
  .command('runp')
  .description('Run a pod sandbox from a JSON or YAML PodSandboxConfig; prints its id')
  .option('--runtime <handler>', 'runtime handler (CRI v1 runtime_handler)')
  .argument('<pod-config>', 'pod-config.[json|yaml]')
  .action(async (file: string, o: { runtime?: string }) => {
    const config = await podConfig(file);
    process.stdout.write((await cri().runPod(config, o.runtime)) + '\n');
  });

program
  .command('stopp')
  .description('Stop one or more pod sandboxes')
  .argument('<pod-id...>')
  .action((ids: string[]) =>
    eachId('stopp', ids, async (id) => {
      // StopPodSandbox of an unknown id succeeds (CRI makes it idempotent): ask first, to say so.
      const full = (await cri().podStatus(id)).status.id;
      await cri().stopPod(full);
      process.stdout.write(`Stopped sandbox ${id}\n`);
    }),
  );

program
  .command('rmp')
  .description('Remove one or more pod sandboxes (-f: stop ready ones first)')
  .option('-f, --force', 'stop a ready pod first')
  .option('-a, --all', 'every pod sandbox')
  .argument('[pod-id...]')
  .action(async (ids: string[], o: { force?: boolean; all?: boolean }) => {
    requireIds(ids, o.all, 'pod');
    if (o.all) ids = (await cri().listPods({ labels: {} })).rows.map((p) => p.id);
    await eachId('rmp', ids, async (id) => {
      const { status } = await cri().podStatus(id);
      const state = (status as { state?: string }).state;
      if (state === 'SANDBOX_READY' || state === 'READY') {
        if (!o.force) throw new Error('the pod sandbox is ready: stop it first (stopp) or use -f');
        await cri().stopPod(status.id);
      }
      await cri().removePod(status.id);
      process.stdout.write(`Removed sandbox ${id}\n`);
    });
  });

function podTable(status: Record<string, unknown>): string {
  const s = status as {
    id: string;
    metadata?: { name?: string; uid?: string; namespace?: string; attempt?: number };
    state?: string;
    created_at?: string;
    network?: { ip?: string; additional_ips?: { ip: string }[] };
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  const lines = [`ID: ${s.id}`];
  if (s.metadata?.name) lines.push(`Name: ${s.metadata.name}`);
  if (s.metadata?.uid) lines.push(`UID: ${s.metadata.uid}`);
  if (s.metadata?.namespace) lines.push(`Namespace: ${s.metadata.namespace}`);
  if (s.metadata) lines.push(`Attempt: ${s.metadata.attempt ?? 0}`);
  lines.push(`Status: ${s.state === 'SANDBOX_READY' || s.state === 'READY' ? 'Ready' : 'NotReady'}`);
  lines.push(`Created: ${goTime(s.created_at ?? 0)}`);
  if (s.network?.ip) lines.push(`IP Addresses: ${[s.network.ip, ...(s.network.additional_ips ?? []).map((a) => a.ip)].join(', ')}`);
  lines.push(...keyValues('Labels', s.labels), ...keyValues('Annotations', s.annotations));
  return lines.join('\n') + '\n';
}

function keyValues(title: string, m: Record<string, string> | undefined): string[] {
  const keys = Object.keys(m ?? {}).sort();
  return keys.length ? [`${title}:`, ...keys.map((k) => `\t${k} -> ${m![k]}`)] : [];
}

program
  .command('inspectp')
  .description('Show the status of one or more pod sandboxes')
  .addOption(statusOutput())
  .addOption(templateOption())
  .option('-q, --quiet', 'without the verbose info')
  .argument('<pod-id...>')
  .action((ids: string[], o: { output: StatusFormat; template?: string; quiet?: boolean }) => {
    needsTemplate(o);
    return eachId('inspectp', ids, async (id) => {
      const { status, info } = await cri().podStatus(id, !o.quiet);
      if (o.output === 'table') return void process.stdout.write(podTable(status as Record<string, unknown>));
      await emit({ status: readablePodStatus(status), ...parsedInfo(info) }, o.output, o.template);
    });
  });

/** Newest first, then at most `last` (1 with --latest), as crictl lists. */
function newest<T extends { createdAt: string }>(rows: T[], o: { latest?: boolean; last?: number }): T[] {
  const sorted = [...rows].sort((a, b) => (BigInt(b.createdAt || 0) > BigInt(a.createdAt || 0) ? 1 : BigInt(b.createdAt || 0) < BigInt(a.createdAt || 0) ? -1 : 0));
  const n = o.latest ? 1 : o.last ?? sorted.length;
  return sorted.slice(0, n);
}

program
  .command('pods')
  .description('List pod sandboxes')
  .option('--id <id>', 'only this pod (an id or a unique prefix)')
  .option('--name <regex>', 'only pods whose name matches this regular expression', regex)
  .option('--namespace <regex>', 'only pods whose namespace matches this regular expression', regex)
  .option('-s, --state <state>', 'ready or notready', stateParser(SANDBOX_STATES))
  .option('--label <key=value>', 'label selector, repeatable', collect)
  .option('-l, --latest', 'only the newest pod')
  .option('-n, --last <n>', 'only the n newest pods', integer(0))
  .option('--no-trunc', 'full ids')
  .option('-q, --quiet', 'only ids')
  .option('-v, --verbose', 'a block per pod with its labels and annotations')
  .option('-w, --watch', 'redraw every second until interrupted')
  .addOption(listOutput())
  .action(
    async (o: {
      watch?: boolean;
      id?: string;
      name?: RegExp;
      namespace?: RegExp;
      state?: PodState;
      label?: string[];
      latest?: boolean;
      last?: number;
      trunc: boolean;
      quiet?: boolean;
      verbose?: boolean;
      output: ListFormat;
    }) =>
      printOrWatch(o, async () => {
        const { rows, raw } = await cri().listPods({ id: o.id, state: o.state, labels: labelPairs(o.label) });
        const keep = new Set(newest(rows.filter((p) => (!o.name || o.name.test(p.name)) && (!o.namespace || o.namespace.test(p.namespace))), o).map((p) => p.id));
        const pods = rows.filter((p) => keep.has(p.id));
        const order = newest(pods, {}).map((p) => p.id);
        if (await listEmit(o.output, { items: order.map((id) => protoJson(raw[rows.findIndex((r) => r.id === id)])) })) return undefined;
        const sorted = order.map((id) => pods.find((p) => p.id === id)!);
        if (o.quiet) return sorted.map((p) => p.id + '\n').join('');
        if (o.verbose) return sorted.map(podVerbose).join('');
        return table(
          ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT', 'RUNTIME'],
          sorted.map((p) => [
            o.trunc ? shortId(p.id) : p.id,
            ago(p.createdAt),
            p.state === 'READY' ? 'Ready' : 'NotReady',
            p.name,
            p.namespace,
            String(p.attempt),
            p.runtimeHandler || '(default)',
          ]),
        );
      }),
  );

function podVerbose(p: PodRow): string {
  const lines = [`ID: ${p.id}`];
  if (p.name) lines.push(`Name: ${p.name}`);
  if (p.uid) lines.push(`UID: ${p.uid}`);
  if (p.namespace) lines.push(`Namespace: ${p.namespace}`);
  if (p.attempt) lines.push(`Attempt: ${p.attempt}`);
  lines.push(`Status: ${p.state === 'READY' ? 'Ready' : 'NotReady'}`, `Created: ${goTime(p.createdAt || 0)}`);
  lines.push(...keyValues('Labels', p.labels), ...keyValues('Annotations', p.annotations), `Runtime: ${p.runtimeHandler || '(default)'}`);
  return lines.join('\n') + '\n\n';
}

// ---- containers

program
  .command('create')
  .description('Create a container in a pod sandbox; prints its id')
  .argument('<pod-id>')
  .argument('<container-config>', 'container-config.[json|yaml]: a ContainerConfig')
  .argument('<pod-config>', 'pod-config.[json|yaml]: the PodSandboxConfig the pod was created with')
  .action(async (podId: string, ctrFile: string, podFile: string) => {
    const config = await containerConfig(ctrFile);
    const pod = await podConfig(podFile);
    process.stdout.write((await cri().createContainer(podId, config, pod)) + '\n');
  });

program
  .command('run')
  .description('Run a pod sandbox and a container in it in one go; prints the container id')
  .argument('<container-config>', 'container-config.[json|yaml]')
  .argument('<pod-config>', 'pod-config.[json|yaml]')
  .option('--runtime <handler>', 'runtime handler of the pod (CRI v1 runtime_handler)')
  .option('--no-pull', 'do not pull the image, even if it is missing')
  .option('--with-pull', 'pull the image even if it is there')
  .action(async (ctrFile: string, podFile: string, o: { runtime?: string; pull: boolean; withPull?: boolean }) => {
    if (!o.pull && o.withPull) throw new UsageError('--no-pull and --with-pull contradict each other');
    const config = (await containerConfig(ctrFile)) as { image?: { image?: string } };
    const pod = await podConfig(podFile);
    const image = config.image?.image;
    if (!image) throw new UsageError(`${ctrFile}: image.image is not set`);
    if (o.withPull || (o.pull && !(await cri().imageStatus(image)))) await cri().pull(image, undefined);
    const podId = await cri().runPod(pod, o.runtime);
    try {
      const id = await cri().createContainer(podId, config, pod);
      await cri().start(id);
      process.stdout.write(id + '\n');
    } catch (err) {
      // The pod's id was never shown: what failed leaves nothing behind to find and remove.
      await cri()
        .stopPod(podId)
        .then(() => cri().removePod(podId))
        .catch((cleanup: unknown) => process.stderr.write(`berthctl: removing pod ${podId} after the failure: ${describe(cleanup)}\n`));
      throw err;
    }
  });

program
  .command('start')
  .description('Start one or more created containers')
  .argument('<container-id...>')
  .action((ids: string[]) =>
    eachId('start', ids, async (id) => {
      await cri().start(id);
      process.stdout.write(id + '\n');
    }),
  );

program
  .command('stop')
  .description('Stop one or more running containers')
  .option('-t, --timeout <seconds>', 'seconds to wait after the stop signal before SIGKILL', integer(0, 'a whole number of seconds'), 10)
  .argument('<container-id...>')
  .action((ids: string[], o: { timeout: number }) =>
    eachId('stop', ids, async (id) => {
      // StopContainer of an unknown id succeeds (CRI makes it idempotent): ask first, to say so.
      await cri().stop((await cri().containerStatus(id)).id, o.timeout);
      process.stdout.write(id + '\n');
    }),
  );

program
  .command('update')
  .description("Update the resources of one or more running containers (CRI v1 UpdateContainerResources; unset ones go to 0, the runtime's default)")
  .option('--cpu-period <usecs>', 'CFS period', integer(0))
  .option('--cpu-quota <usecs>', 'CFS quota: CPU time allowed per period', integer(-1))
  .option('--cpu-share <shares>', 'CPU shares (relative weight)', integer(0))
  .option('--memory <bytes>', 'memory limit in bytes', integer(0))
  .option('--cpuset-cpus <cpus>', 'CPUs to use, e.g. 0-1')
  .option('--cpuset-mems <nodes>', 'memory nodes to use')
  .argument('<container-id...>')
  .action((ids: string[], o: { cpuPeriod?: number; cpuQuota?: number; cpuShare?: number; memory?: number; cpusetCpus?: string; cpusetMems?: string }) => {
    const linux = {
      cpu_period: o.cpuPeriod ?? 0,
      cpu_quota: o.cpuQuota ?? 0,
      cpu_shares: o.cpuShare ?? 0,
      memory_limit_in_bytes: o.memory ?? 0,
      cpuset_cpus: o.cpusetCpus ?? '',
      cpuset_mems: o.cpusetMems ?? '',
    };
    return eachId('update', ids, async (id) => {
      await v1().update(id, linux);
      process.stdout.write(id + '\n');
    });
  });

program
  .command('rm')
  .description('Remove one or more containers (running ones too with -f)')
  .option('-f, --force', 'stop a running container first')
  .option('-a, --all', 'every container')
  .argument('[container-id...]')
  .action(async (ids: string[], o: { force?: boolean; all?: boolean }) => {
    requireIds(ids, o.all, 'container');
    if (o.all) ids = (await cri().listContainers({ labels: {} })).rows.map((c) => c.id);
    await eachId('rm', ids, async (id) => {
      const st = await cri().containerStatus(id);
      if (st.state === 'RUNNING') {
        if (!o.force) throw new Error('the container is running: stop it first or use -f');
        await cri().stop(st.id, 0);
      }
      await cri().remove(st.id);
      process.stdout.write(id + '\n');
    });
  });

function stateText(s: ContainerState): string {
  return s.charAt(0) + s.slice(1).toLowerCase();
}

program
  .command('ps')
  .description('List containers (running ones unless -a)')
  .option('-a, --all', 'every state')
  .option('--id <id>', 'only this container (an id or a unique prefix)')
  .option('--name <regex>', 'only containers whose name matches this regular expression', regex)
  .option('-p, --pod <pod-id>', "only this pod's containers")
  .option('--image <image>', 'only containers of this image (any of its names or its id)')
  .option('-s, --state <state>', 'created, running, exited or unknown', stateParser(CONTAINER_STATES))
  .option('--label <key=value>', 'label selector, repeatable', collect)
  .option('-l, --latest', 'only the newest container (any state)')
  .option('-n, --last <n>', 'only the n newest containers (any state)', integer(0))
  .option('--no-trunc', 'full ids')
  .option('-q, --quiet', 'only ids')
  .option('-v, --verbose', 'a block per container with its labels and annotations')
  .option('-w, --watch', 'redraw every second until interrupted')
  .addOption(listOutput())
  .action(
    async (o: {
      watch?: boolean;
      all?: boolean;
      id?: string;
      name?: RegExp;
      pod?: string;
      image?: string;
      state?: ContainerState;
      label?: string[];
      latest?: boolean;
      last?: number;
      trunc: boolean;
      quiet?: boolean;
      verbose?: boolean;
      output: ListFormat;
    }) =>
      printOrWatch(o, async () => {
        const anyState = o.all || o.latest || o.last !== undefined;
        const state = o.state ?? (anyState ? undefined : 'RUNNING');
        const { rows, raw } = await cri().listContainers({ id: o.id, podId: o.pod, state, labels: labelPairs(o.label) });
        let keep = rows.filter((c) => !o.name || o.name.test(c.name));
        if (o.image) {
          const want = await cri().imageStatus(o.image);
          const ids = new Map<string, string | undefined>();
          for (const c of keep) if (!ids.has(c.image)) ids.set(c.image, (await cri().imageStatus(c.image))?.id);
          keep = want ? keep.filter((c) => ids.get(c.image) === want.id) : [];
        }
        keep = newest(keep, o);
        if (await listEmit(o.output, { containers: keep.map((c) => protoJson(raw[rows.indexOf(c)])) })) return undefined;
        if (o.quiet) return keep.map((c) => c.id + '\n').join('');
        if (o.verbose) return keep.map(containerVerbose).join('');
        const podNames = new Map((await cri().listPods({ labels: {} })).rows.map((p) => [p.id, p.name]));
        const states = await Promise.all(
          keep.map(async (c) => (c.state === 'EXITED' ? `Exited (${await cri().containerStatus(c.id).then((s) => s.exitCode, () => '?')})` : stateText(c.state))),
        );
        return table(
          ['CONTAINER', 'IMAGE', 'CREATED', 'STATE', 'NAME', 'ATTEMPT', 'POD ID', 'POD'],
          keep.map((c, i) => [
            o.trunc ? shortId(c.id) : c.id,
            o.trunc && /^sha256:[0-9a-f]{64}$/.test(c.image) ? shortId(c.image) : c.image,
            ago(c.createdAt),
            states[i],
            c.name,
            String(c.attempt),
            o.trunc ? shortId(c.podId) : c.podId,
            c.labels['io.kubernetes.pod.name'] ?? podNames.get(c.podId) ?? 'unknown',
          ]),
        );
      }),
  );

function containerVerbose(c: ContainerRow): string {
  const lines = [`ID: ${c.id}`, `PodID: ${c.podId}`];
  if (c.name) lines.push(`Name: ${c.name}`);
  lines.push(`Attempt: ${c.attempt}`, `State: ${stateText(c.state)}`, `Image: ${c.image}`, `Created: ${ago(c.createdAt)}`);
  lines.push(...keyValues('Labels', c.labels), ...keyValues('Annotations', c.annotations));
  return lines.join('\n') + '\n\n';
}

function containerTable(raw: Record<string, unknown>, state: ContainerState, exitCode: number): string {
  const s = raw as { id: string; metadata?: { name?: string; attempt?: number }; created_at?: string; started_at?: string; finished_at?: string; reason?: string; image?: { image?: string } };
  const lines = [`ID: ${s.id}`];
  if (s.metadata?.name) lines.push(`Name: ${s.metadata.name}`);
  if (s.metadata?.attempt) lines.push(`Attempt: ${s.metadata.attempt}`);
  lines.push(`State: ${stateText(state)}`, `Image: ${s.image?.image ?? ''}`, `Created: ${ago(s.created_at ?? 0)}`);
  if (state !== 'CREATED') lines.push(`Started: ${ago(s.started_at ?? 0)}`);
  if (state === 'EXITED') {
    lines.push(`Finished: ${ago(s.finished_at ?? 0)}`, `Exit Code: ${exitCode}`);
    if (s.reason) lines.push(`Reason: ${s.reason}`);
  }
  return lines.join('\n') + '\n';
}

program
  .command('inspect')
  .description('Show the status of one or more containers')
  .addOption(statusOutput())
  .addOption(templateOption())
  .option('-q, --quiet', 'without the verbose info')
  .argument('<container-id...>')
  .action((ids: string[], o: { output: StatusFormat; template?: string; quiet?: boolean }) => {
    needsTemplate(o);
    return eachId('inspect', ids, async (id) => {
      const st = await cri().containerStatus(id, !o.quiet);
      if (o.output === 'table') return void process.stdout.write(containerTable(st.raw as Record<string, unknown>, st.state, st.exitCode));
      await emit({ status: readableContainerStatus(st.raw), ...parsedInfo(st.info) }, o.output, o.template);
    });
  });

program
  .command('logs')
  .description("Print a container's log (stdout and stderr, each to its own)")
  .option('-f, --follow', 'keep printing until the container exits')
  .option('--tail <n>', 'only the last n lines (-1: all)', integer(-1), -1)
  .option('--since <time>', 'only lines from this time on: RFC 3339 or a duration back from now (42m)', since)
  .option('-t, --timestamps', "each line with the time it was written")
  .option('-p, --previous', "the log of the container's previous attempt")
  .argument('<container-id>')
  .action(async (id: string, o: { follow?: boolean; tail: number; since?: number; timestamps?: boolean; previous?: boolean }) =>
    printLogs(api().v1Runtime, id, {
      follow: !!o.follow,
      tail: o.tail < 0 ? undefined : o.tail,
      sinceMs: o.since,
      timestamps: !!o.timestamps,
      previous: !!o.previous,
      timeoutMs: timeoutMs(),
    }),
  );

registerStreamCommands(program, { api, seed, timeoutMs });

// ---- resource use and events (CRI v1)

const statsOptions = (cmd: Command) =>
  cmd
    .option('--label <key=value>', 'label selector, repeatable', collect)
    .option('-w, --watch', 'refresh until interrupted')
    .option('-s, --seconds <n>', 'seconds between the two samples a CPU % is taken over', integer(1, 'a whole number of seconds'), 1)
    // json and yaml print one sample as it is, as crictl's do.
    .addOption(listOutput());

type StatsFlags = { id?: string; label?: string[]; watch?: boolean; seconds: number; output: ListFormat };
const statsOpts = (o: StatsFlags, all?: boolean) => ({ format: o.output, watch: !!o.watch, seconds: o.seconds, timeoutMs: timeoutMs(), all });

statsOptions(
  program
    .command('stats')
    .description('Resource use of containers: CPU %, memory working set, writable layer (running ones unless -a)')
    .argument('[id]', 'container id (or --id)')
    .option('--id <id>', 'only this container')
    .option('-p, --pod <pod-id>', "only this pod's containers")
    .option('-a, --all', 'containers that are not running too'),
).action(async (id: string | undefined, o: StatsFlags & { pod?: string; all?: boolean }) =>
  printContainerStats(api().v1Runtime, { id: id ?? o.id, podId: o.pod, labels: labelPairs(o.label) }, statsOpts(o, !!o.all)),
);

statsOptions(
  program
    .command('statsp')
    .description('Resource use of pods: CPU %, memory working set, network bytes')
    .argument('[id]', 'pod id (or --id)')
    .option('--id <id>', 'only this pod'),
).action(async (id: string | undefined, o: StatsFlags) => printPodStats(api().v1Runtime, { id: id ?? o.id, labels: labelPairs(o.label) }, statsOpts(o)));

program
  .command('events')
  .description('Follow container and pod lifecycle events (CRI v1 GetContainerEvents)')
  .addOption(new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'))
  .action(async (o: { output: ListFormat }) => followEvents(api().v1Runtime, o.output === 'json'));

// ---- images

function splitRef(tagged: string): [string, string] {
  const at = tagged.lastIndexOf(':');
  return at > tagged.lastIndexOf('/') ? [tagged.slice(0, at), tagged.slice(at + 1)] : [tagged, '<none>'];
}

program
  .command('images')
  .aliases(['image', 'img'])
  .description('List images')
  .argument('[reference]', 'only images this reference names')
  .option('-q, --quiet', 'only ids')
  .option('--digests', 'show the manifest digest')
  .option('--no-trunc', 'full ids and digests')
  .option('-v, --verbose', 'a block per image')
  .addOption(listOutput())
  .action(async (ref: string | undefined, o: { quiet?: boolean; digests?: boolean; trunc: boolean; verbose?: boolean; output: ListFormat }) => {
    const images = await cri().listImages(ref);
    if (await listEmit(o.output, { images: protoJson(images) })) return;
    if (o.quiet) return void process.stdout.write(images.map((i) => i.id + '\n').join(''));
    if (o.verbose)
      return void process.stdout.write(
        images
          .map((i) => [`ID: ${i.id}`, ...i.repo_tags.map((t) => `RepoTags: ${t}`), ...i.repo_digests.map((d) => `RepoDigests: ${d}`), `Size: ${i.size}`].join('\n') + '\n\n')
          .join(''),
      );
    const id = (x: string) => (o.trunc ? shortId(x) : x);
    const rows: string[][] = [];
    for (const i of images) {
      const digest = i.repo_digests[0]?.split('@')[1] ?? '<none>';
      for (const tag of i.repo_tags.length ? i.repo_tags : [`${i.repo_digests[0]?.split('@')[0] ?? '<none>'}:<none>`]) {
        const [repo, t] = splitRef(tag);
        rows.push([repo, t, ...(o.digests ? [digest === '<none>' ? digest : id(digest)] : []), id(i.id), bytes(i.size)]);
      }
    }
    process.stdout.write(table(['IMAGE', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'SIZE'], rows));
  });

program
  .command('inspecti')
  .description('Show the status of one or more images')
  .addOption(statusOutput())
  .addOption(templateOption())
  .option('-q, --quiet', 'without the verbose info')
  .argument('<image...>', 'names or ids')
  .action((refs: string[], o: { output: StatusFormat; template?: string; quiet?: boolean }) => {
    needsTemplate(o);
    return eachId('inspecti', refs, async (ref) => {
      const { image, info } = await cri().imageInfo(ref);
      if (!image) throw new Error(`no such image ${ref}`);
      if (o.output === 'table')
        return void process.stdout.write(
          [`ID: ${image.id}`, ...image.repo_tags.map((t) => `Tag: ${t}`), ...image.repo_digests.map((d) => `Digest: ${d}`), `Size: ${bytes(image.size)}`].join('\n') + '\n',
        );
      await emit({ status: protoJson(image), ...parsedInfo(info) }, o.output, o.template);
    });
  });

program
  .command('imagefsinfo')
  .description('Show where images are stored and what they use (CRI v1 ImageFsInfo)')
  .addOption(statusOutput())
  .addOption(templateOption())
  .action(async (o: { output: StatusFormat; template?: string }) => {
    needsTemplate(o);
    type Fs = { timestamp?: string; fs_id?: { mountpoint?: string }; used_bytes?: { value?: string }; inodes_used?: { value?: string } };
    const r = (await v1().imageFsInfo()) as { image_filesystems: Fs[] };
    for (const fs of r.image_filesystems) {
      // crictl's table, with the byte and inode counts as numbers.
      if (o.output === 'table')
        process.stdout.write(
          `TimeStamp: ${fs.timestamp ?? 0}\nUsedBytes: ${fs.used_bytes?.value ?? 0}\nInodesUsed: ${fs.inodes_used?.value ?? 0}\nMountpoint: ${fs.fs_id?.mountpoint ?? ''}\n`,
        );
      else await emit({ status: protoJson(fs) }, o.output, o.template);
    }
  });

program
  .command('pull')
  .description('Pull an image from a registry, showing progress')
  .argument('<reference>')
  .option('--creds <user:password>', 'registry credentials')
  .option('--auth <base64>', 'base64 of user:password')
  .option('--identity-token <token>', 'identity token exchanged for an access token')
  .option('--registry-token <token>', 'bearer token sent to the registry')
  .action(async (ref: string, o: { creds?: string; auth?: string; identityToken?: string; registryToken?: string }) => {
    const auth: AuthFields = {};
    if (o.creds) {
      const colon = o.creds.indexOf(':');
      auth.username = colon < 0 ? o.creds : o.creds.slice(0, colon);
      auth.password = colon < 0 ? '' : o.creds.slice(colon + 1);
    }
    if (o.auth) auth.auth = o.auth;
    if (o.identityToken) auth.identity_token = o.identityToken;
    if (o.registryToken) auth.registry_token = o.registryToken;
    const stopWatching = watchPull(api().progress, ref, process.stderr);
    try {
      await cri().pull(ref, Object.keys(auth).length ? auth : undefined);
    } finally {
      stopWatching();
    }
    const image = await cri().imageStatus(ref);
    process.stdout.write(`Image is up to date for ${image?.id ?? ref}\n`);
  });

program
  .command('rmi')
  .description('Remove one or more images (with every tag); -a all, --prune those no container uses')
  .option('-a, --all', 'every image')
  .option('--prune', 'every image no container uses')
  .argument('[image...]', 'names or ids')
  .action(async (refs: string[], o: { all?: boolean; prune?: boolean }) => {
    if ((o.all || o.prune) && refs.length) throw new UsageError('-a and --prune choose the images themselves: give no names with them');
    if (!o.all && !o.prune && !refs.length) throw new UsageError('give one or more images, or -a, or --prune');
    if (o.all || o.prune) {
      const images = await cri().listImages(undefined);
      const used = new Set<string>();
      if (o.prune && !o.all)
        for (const c of (await cri().listContainers({ labels: {} })).rows) {
          const id = (await cri().imageStatus(c.image))?.id;
          if (id) used.add(id);
        }
      refs = images.map((i) => i.id).filter((id) => !used.has(id));
      if (!refs.length) return void process.stderr.write('No images to remove\n');
    }
    await eachId('rmi', refs, async (ref) => {
      const image = await cri().imageStatus(ref);
      if (!image) throw new Error(`no such image ${ref}`);
      await cri().removeImage(image.id);
      for (const name of image.repo_tags.length ? image.repo_tags : image.repo_digests.length ? image.repo_digests : [image.id]) process.stdout.write(`Deleted: ${name}\n`);
    });
  });

program
  .command('completion')
  .description('Print a shell completion script: source <(berthctl completion bash), or zsh, or fish')
  .argument('[shell]', 'bash, zsh or fish', 'bash')
  .action((shell: string) => {
    if (!['bash', 'zsh', 'fish'].includes(shell)) throw new UsageError(`completion: only bash, zsh or fish are supported, not ${shell}`);
    process.stdout.write(completionScript(program, shell));
  });

// ---- errors

function isServiceError(err: unknown): err is grpc.ServiceError {
  return typeof err === 'object' && err !== null && 'code' in err && 'details' in err;
}

const UNAVAILABLE = 14;

/** What to do when berthd cannot be reached; undefined when it is another failure. */
function connectionProblem(err: grpc.ServiceError): string | undefined {
  if (err.code !== UNAVAILABLE) return undefined;
  const sock = endpoint().replace(/^unix:(\/\/)?/, '');
  if (/EACCES|EPERM/.test(err.details))
    return `permission denied on ${sock}: run berthctl as root (sudo berthctl ...), or give your group the socket (chgrp GROUP ${sock}; chmod g+rw ${sock}, and g+x on its directory)`;
  if (/ENOENT/.test(err.details)) return `berthd is not running: there is no socket at ${sock}. Start it as root with \`berthd\` (or point -r / $BERTH_ENDPOINT at its socket)`;
  if (/ECONNREFUSED/.test(err.details)) return `berthd is not running: nothing listens on ${sock}. Start it as root with \`berthd\``;
  return undefined;
}

function describe(err: unknown): string {
  if (isServiceError(err)) return connectionProblem(err) ?? `${statusName(err.code)}: ${err.details}`;
  return err instanceof Error ? err.message : String(err);
}

program
  .parseAsync()
  .catch((err: unknown) => {
    process.stderr.write(`berthctl: ${describe(err)}\n`);
    if (err instanceof UsageError) process.stderr.write(`Run 'berthctl ${program.args[0] ?? ''} --help' for usage.\n`);
    process.exitCode = 1;
  })
  .finally(() => clients?.close());
