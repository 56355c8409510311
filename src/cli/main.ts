#!/usr/bin/env node
import { Command, Option } from 'commander';
import type * as grpc from '@grpc/grpc-js';
import { connectClients, call, DEFAULT_ENDPOINT, type Clients } from './client.js';
import { readMessageFile } from './config-file.js';
import { table, ago, bytes, shortId } from './format.js';
import { watchPull } from './pull-progress.js';
import { runExec } from './exec.js';
import { printLogs } from './logs.js';
import { statusName } from '../api/grpc/status.js';
import type { PodSandboxConfig } from '../api/gen/runtime/PodSandboxConfig.js';
import type { ContainerConfig } from '../api/gen/runtime/ContainerConfig.js';
import type { AuthConfig } from '../api/gen/runtime/AuthConfig.js';
import type { PodSandboxFilter } from '../api/gen/runtime/PodSandboxFilter.js';
import type { ContainerFilter } from '../api/gen/runtime/ContainerFilter.js';

type Output = 'table' | 'json';
const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
const collect = (v: string, prev: string[] = []) => [...prev, v];

const program = new Command('berthctl')
  .description('Command-line client for berth, in the spirit of crictl')
  .option('-r, --runtime-endpoint <socket>', 'berthd socket ($BERTH_ENDPOINT)', process.env.BERTH_ENDPOINT ?? DEFAULT_ENDPOINT)
  .option('--timeout <seconds>', 'deadline of each call', Number, 120)
  .enablePositionalOptions()
  .showHelpAfterError();

let clients: Clients | undefined;
function api(): Clients {
  clients ??= connectClients(program.opts<{ runtimeEndpoint: string }>().runtimeEndpoint);
  return clients;
}
const timeoutMs = () => program.opts<{ timeout: number }>().timeout * 1000;
const rt = <Req, Res>(name: string, req: Req): Promise<Res> =>
  call(api().runtime, (api().runtime as unknown as Record<string, never>)[name], req, timeoutMs());
const img = <Req, Res>(name: string, req: Req): Promise<Res> =>
  call(api().image, (api().image as unknown as Record<string, never>)[name], req, timeoutMs());

function print(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

function labelPairs(pairs: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new Error(`--label ${p}: expected key=value`);
    out[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return out;
}

const SANDBOX_STATES: Record<string, string> = { ready: 'READY', notready: 'NOTREADY' };
const CONTAINER_STATES: Record<string, string> = { created: 'CREATED', running: 'RUNNING', exited: 'EXITED', unknown: 'UNKNOWN' };

function stateArg(value: string | undefined, states: Record<string, string>): string | undefined {
  if (value === undefined) return undefined;
  const s = states[value.toLowerCase().replace(/_/g, '')];
  if (!s) throw new Error(`unknown state ${value}: one of ${Object.keys(states).join(', ')}`);
  return s;
}

program
  .command('version')
  .description('Print the runtime name and versions')
  .addOption(outputOption())
  .action(async (o: { output: Output }) => {
    const v = await rt<object, Record<string, string>>('Version', {});
    if (o.output === 'json') return print(v);
    process.stdout.write(
      `Version:  ${v.version}\nRuntimeName:  ${v.runtime_name}\nRuntimeVersion:  ${v.runtime_version}\nRuntimeApiVersion:  ${v.runtime_api_version}\n`,
    );
  });

// ---- pod sandboxes
program
  .command('runp')
  .description('Create a pod sandbox from a JSON or YAML PodSandboxConfig')
  .argument('<pod-config>')
  .action(async (file: string) => {
    const config = readMessageFile<PodSandboxConfig>(file);
    const res = await rt<object, { pod_sandbox_id: string }>('CreatePodSandbox', { config });
    process.stdout.write(res.pod_sandbox_id + '\n');
  });

for (const [name, method, desc] of [
  ['stopp', 'StopPodSandbox', 'Stop pod sandboxes'],
  ['rmp', 'RemovePodSandbox', 'Remove pod sandboxes'],
] as const) {
  program
    .command(name)
    .description(desc)
    .argument('<pod-id...>')
    .action(async (ids: string[]) => {
      for (const id of ids) {
        await rt(method, { pod_sandbox_id: id });
        process.stdout.write(`${method === 'StopPodSandbox' ? 'Stopped' : 'Removed'} sandbox ${id}\n`);
      }
    });
}

program
  .command('inspectp')
  .description('Show the status of a pod sandbox (JSON)')
  .argument('<pod-id>')
  .action(async (id: string) => print((await rt<object, { status: unknown }>('PodSandboxStatus', { pod_sandbox_id: id })).status));

interface PodItem {
  id: string;
  metadata: { name: string; namespace: string; uid: string; attempt: number } | null;
  state: string;
  created_at: string;
  labels: Record<string, string>;
}

program
  .command('pods')
  .description('List pod sandboxes')
  .option('--name <name>')
  .option('--id <id>')
  .option('--state <state>', 'ready or notready')
  .option('--label <key=value>', 'label selector, repeatable', collect)
  .option('-q, --quiet', 'only ids')
  .addOption(outputOption())
  .action(async (o: { name?: string; id?: string; state?: string; label?: string[]; quiet?: boolean; output: Output }) => {
    const filter: PodSandboxFilter = { label_selector: labelPairs(o.label) };
    if (o.name) filter.name = o.name;
    if (o.id) filter.id = o.id;
    const state = stateArg(o.state, SANDBOX_STATES);
    if (state) filter.state = state as PodSandboxFilter['state'];
    const { items } = await rt<object, { items: PodItem[] }>('ListPodSandbox', { filter });
    if (o.output === 'json') return print(items);
    if (o.quiet) return void process.stdout.write(items.map((p) => p.id + '\n').join(''));
    process.stdout.write(
      table(
        ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT'],
        items.map((p) => [
          shortId(p.id),
          ago(p.created_at),
          p.state === 'READY' ? 'Ready' : 'NotReady',
          p.metadata?.name ?? '',
          p.metadata?.namespace ?? '',
          String(p.metadata?.attempt ?? 0),
        ]),
      ),
    );
  });

// ---- containers
program
  .command('create')
  .description('Create a container in a pod sandbox')
  .argument('<pod-id>')
  .argument('<container-config>', 'JSON or YAML ContainerConfig')
  .argument('<pod-config>', 'JSON or YAML PodSandboxConfig the pod was created with')
  .action(async (podId: string, ctrFile: string, podFile: string) => {
    const res = await rt<object, { container_id: string }>('CreateContainer', {
      pod_sandbox_id: podId,
      config: readMessageFile<ContainerConfig>(ctrFile),
      sandbox_config: readMessageFile<PodSandboxConfig>(podFile),
    });
    process.stdout.write(res.container_id + '\n');
  });

program
  .command('start')
  .description('Start created containers')
  .argument('<container-id...>')
  .action(async (ids: string[]) => {
    for (const id of ids) {
      await rt('StartContainer', { container_id: id });
      process.stdout.write(id + '\n');
    }
  });

program
  .command('stop')
  .description('Stop running containers')
  .option('-t, --timeout <seconds>', 'seconds to wait before SIGKILL', Number, 10)
  .argument('<container-id...>')
  .action(async (ids: string[], o: { timeout: number }) => {
    for (const id of ids) {
      await rt('StopContainer', { container_id: id, timeout: o.timeout });
      process.stdout.write(id + '\n');
    }
  });

program
  .command('rm')
  .description('Remove containers (running ones too with -f)')
  .option('-f, --force', 'stop a running container first')
  .argument('<container-id...>')
  .action(async (ids: string[], o: { force?: boolean }) => {
    for (const id of ids) {
      if (!o.force) {
        const st = await rt<object, { status: { state: string } }>('ContainerStatus', { container_id: id });
        if (st.status.state === 'RUNNING') throw new Error(`container ${id} is running: stop it first or use -f`);
      }
      await rt('RemoveContainer', { container_id: id });
      process.stdout.write(id + '\n');
    }
  });

interface ContainerItem {
  id: string;
  pod_sandbox_id?: string;
  metadata: { name: string; attempt: number } | null;
  image: { image: string } | null;
  image_ref: string;
  state: string;
  labels: Record<string, string>;
}

program
  .command('ps')
  .description('List containers (running ones unless -a)')
  .option('-a, --all', 'every state')
  .option('--name <name>')
  .option('--id <id>')
  .option('--state <state>', 'created, running, exited or unknown')
  .option('-p, --pod <pod-id>')
  .option('--label <key=value>', 'label selector, repeatable', collect)
  .option('-q, --quiet', 'only ids')
  .addOption(outputOption())
  .action(
    async (o: { all?: boolean; name?: string; id?: string; state?: string; pod?: string; label?: string[]; quiet?: boolean; output: Output }) => {
      const filter: ContainerFilter = { label_selector: labelPairs(o.label) };
      if (o.name) filter.name = o.name;
      if (o.id) filter.id = o.id;
      if (o.pod) filter.pod_sandbox_id = o.pod;
      const state = stateArg(o.state, CONTAINER_STATES) ?? (o.all ? undefined : 'RUNNING');
      if (state) filter.state = state as ContainerFilter['state'];
      const { containers } = await rt<object, { containers: ContainerItem[] }>('ListContainers', { filter });
      if (o.output === 'json') return print(containers);
      if (o.quiet) return void process.stdout.write(containers.map((c) => c.id + '\n').join(''));
      process.stdout.write(
        table(
          ['CONTAINER', 'IMAGE', 'STATE', 'NAME', 'ATTEMPT'],
          containers.map((c) => [
            shortId(c.id),
            c.image?.image ?? '',
            c.state.charAt(0) + c.state.slice(1).toLowerCase(),
            c.metadata?.name ?? '',
            String(c.metadata?.attempt ?? 0),
          ]),
        ),
      );
    },
  );

program
  .command('inspect')
  .description('Show the status of a container (JSON)')
  .argument('<container-id>')
  .action(async (id: string) => print((await rt<object, { status: unknown }>('ContainerStatus', { container_id: id })).status));

program
  .command('logs')
  .description("Print a container's log (stdout and stderr)")
  .option('-f, --follow', 'keep printing until the container exits')
  .argument('<container-id>')
  .action(async (id: string, o: { follow?: boolean }) => printLogs(api().info, id, !!o.follow));

program
  .command('exec')
  .description('Run a command in a running container')
  .option('-i, --interactive', 'send stdin')
  .option('-t, --tty', 'allocate a terminal')
  .argument('<container-id>')
  .argument('<cmd...>')
  .passThroughOptions()
  .action(async (id: string, cmd: string[], o: { interactive?: boolean; tty?: boolean }) => {
    process.exitCode = await runExec(api().runtime, { containerId: id, cmd, stdin: !!o.interactive, tty: !!o.tty });
  });

// ---- images
interface ImageItem {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
}

function splitRef(tagged: string): [string, string] {
  const at = tagged.lastIndexOf(':');
  return at > tagged.lastIndexOf('/') ? [tagged.slice(0, at), tagged.slice(at + 1)] : [tagged, '<none>'];
}

program
  .command('images')
  .description('List images')
  .argument('[reference]', 'only images this reference names')
  .option('-q, --quiet', 'only ids')
  .option('--digests', 'show the manifest digest')
  .addOption(outputOption())
  .action(async (ref: string | undefined, o: { quiet?: boolean; digests?: boolean; output: Output }) => {
    const { images } = await img<object, { images: ImageItem[] }>('ListImages', ref ? { filter: { image: { image: ref } } } : {});
    if (o.output === 'json') return print(images);
    if (o.quiet) return void process.stdout.write(images.map((i) => i.id + '\n').join(''));
    const rows: string[][] = [];
    for (const i of images) {
      const digest = i.repo_digests[0]?.split('@')[1] ?? '';
      for (const tag of i.repo_tags.length ? i.repo_tags : ['<none>:<none>']) {
        const [repo, t] = splitRef(tag);
        rows.push([repo, t, ...(o.digests ? [shortId(digest)] : []), shortId(i.id), bytes(i.size)]);
      }
    }
    process.stdout.write(table(['IMAGE', 'TAG', ...(o.digests ? ['DIGEST'] : []), 'IMAGE ID', 'SIZE'], rows));
  });

program
  .command('inspecti')
  .description('Show the status of an image (JSON)')
  .argument('<reference>')
  .action(async (ref: string) => {
    const res = await img<object, { image: unknown }>('ImageStatus', { image: { image: ref } });
    if (!res.image) throw new Error(`no such image ${ref}`);
    print(res.image);
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
    const auth: AuthConfig = {};
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
      await img('PullImage', { image: { image: ref }, auth: Object.keys(auth).length ? auth : undefined });
    } finally {
      stopWatching();
    }
    const st = await img<object, { image: ImageItem | null }>('ImageStatus', { image: { image: ref } });
    process.stdout.write(`Image is up to date for ${st.image?.id ?? ref}\n`);
  });

program
  .command('rmi')
  .description('Remove images')
  .argument('<reference...>')
  .action(async (refs: string[]) => {
    for (const ref of refs) {
      await img('RemoveImage', { image: { image: ref } });
      process.stdout.write(`Deleted: ${ref}\n`);
    }
  });

function isServiceError(err: unknown): err is grpc.ServiceError {
  return typeof err === 'object' && err !== null && 'code' in err && 'details' in err;
}

program
  .parseAsync()
  .catch((err: unknown) => {
    if (isServiceError(err)) process.stderr.write(`berthctl: ${statusName(err.code)}: ${err.details}\n`);
    else process.stderr.write(`berthctl: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => clients?.close());
