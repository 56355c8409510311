#!/usr/bin/env node
import { Command, Option } from 'commander';
import type * as grpc from '@grpc/grpc-js';
import { connectClients, DEFAULT_ENDPOINT, type Clients } from './client.js';
import { seedCri, v1Cri, type ContainerState, type Cri, type PodState } from './cri.js';
import { readMessageFile } from './config-file.js';
import { table, ago, bytes, shortId } from './format.js';
import { watchPull } from './pull-progress.js';
import { registerStreamCommands } from './stream-commands.js';
import { printLogs } from './logs.js';
import { followEvents, printContainerStats, printPodStats } from './stats.js';
import { statusName } from '../api/grpc/status.js';
import type { AuthFields } from './cri.js';

type Output = 'table' | 'json';
const outputOption = () => new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table');
const collect = (v: string, prev: string[] = []) => [...prev, v];

const program = new Command('berthctl')
  .description('Command-line client for berth, in the spirit of crictl')
  .option('-r, --runtime-endpoint <socket>', 'berthd socket ($BERTH_ENDPOINT)', process.env.BERTH_ENDPOINT ?? DEFAULT_ENDPOINT)
  .option('--timeout <seconds>', 'deadline of each call', Number, 120)
  .option('--seed', "speak the seed CRI draft (package runtime) instead of CRI v1")
  .enablePositionalOptions()
  .showHelpAfterError();

let clients: Clients | undefined;
function api(): Clients {
  clients ??= connectClients(program.opts<{ runtimeEndpoint: string }>().runtimeEndpoint, true);
  return clients;
}
const timeoutMs = () => program.opts<{ timeout: number }>().timeout * 1000;
const seed = () => program.opts<{ seed?: boolean }>().seed === true;
const v1 = () => v1Cri(api(), timeoutMs());
const cri = (): Cri => (seed() ? seedCri(api(), timeoutMs()) : v1());

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

const SANDBOX_STATES: Record<string, PodState> = { ready: 'READY', notready: 'NOTREADY' };
const CONTAINER_STATES: Record<string, ContainerState> = { created: 'CREATED', running: 'RUNNING', exited: 'EXITED', unknown: 'UNKNOWN' };

function stateArg<S extends string>(value: string | undefined, states: Record<string, S>): S | undefined {
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
    const v = await cri().version();
    if (o.output === 'json') return print(v);
    process.stdout.write(
      `Version:  ${v.version}\nRuntimeName:  ${v.runtime_name}\nRuntimeVersion:  ${v.runtime_version}\nRuntimeApiVersion:  ${v.runtime_api_version}\n`,
    );
  });

program
  .command('info')
  .description("Print the runtime's conditions and configuration (CRI v1 Status, JSON)")
  .action(async () => {
    if (seed()) throw new Error('info needs CRI v1: the seed draft has no Status call');
    const st = await v1().status();
    const info = Object.fromEntries(Object.entries(st.info).map(([k, v]) => [k, JSON.parse(v) as unknown]));
    print({ status: st.status, ...info });
  });

// ---- pod sandboxes
program
  .command('runp')
  .description('Create a pod sandbox from a JSON or YAML PodSandboxConfig')
  .argument('<pod-config>')
  .action(async (file: string) => {
    process.stdout.write((await cri().runPod(readMessageFile<object>(file))) + '\n');
  });

for (const [name, stop, desc] of [
  ['stopp', true, 'Stop pod sandboxes'],
  ['rmp', false, 'Remove pod sandboxes'],
] as const) {
  program
    .command(name)
    .description(desc)
    .argument('<pod-id...>')
    .action(async (ids: string[]) => {
      for (const id of ids) {
        await (stop ? cri().stopPod(id) : cri().removePod(id));
        process.stdout.write(`${stop ? 'Stopped' : 'Removed'} sandbox ${id}\n`);
      }
    });
}

program
  .command('inspectp')
  .description('Show the status of a pod sandbox (JSON)')
  .argument('<pod-id>')
  .action(async (id: string) => print(await cri().podStatus(id)));

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
    const { rows, raw } = await cri().listPods({ id: o.id, name: o.name, state: stateArg(o.state, SANDBOX_STATES), labels: labelPairs(o.label) });
    if (o.output === 'json') return print(raw);
    if (o.quiet) return void process.stdout.write(rows.map((p) => p.id + '\n').join(''));
    process.stdout.write(
      table(
        ['POD ID', 'CREATED', 'STATE', 'NAME', 'NAMESPACE', 'ATTEMPT'],
        rows.map((p) => [
          shortId(p.id),
          ago(p.createdAt),
          p.state === 'READY' ? 'Ready' : 'NotReady',
          p.name,
          p.namespace,
          String(p.attempt),
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
    const id = await cri().createContainer(podId, readMessageFile<object>(ctrFile), readMessageFile<object>(podFile));
    process.stdout.write(id + '\n');
  });

program
  .command('start')
  .description('Start created containers')
  .argument('<container-id...>')
  .action(async (ids: string[]) => {
    for (const id of ids) {
      await cri().start(id);
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
      await cri().stop(id, o.timeout);
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
      if (!o.force && (await cri().containerStatus(id)).state === 'RUNNING')
        throw new Error(`container ${id} is running: stop it first or use -f`);
      await cri().remove(id);
      process.stdout.write(id + '\n');
    }
  });

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
      const state = stateArg(o.state, CONTAINER_STATES) ?? (o.all ? undefined : 'RUNNING');
      const { rows, raw } = await cri().listContainers({ id: o.id, name: o.name, podId: o.pod, state, labels: labelPairs(o.label) });
      if (o.output === 'json') return print(raw);
      if (o.quiet) return void process.stdout.write(rows.map((c) => c.id + '\n').join(''));
      process.stdout.write(
        table(
          ['CONTAINER', 'IMAGE', 'STATE', 'NAME', 'ATTEMPT'],
          rows.map((c) => [shortId(c.id), c.image, c.state.charAt(0) + c.state.slice(1).toLowerCase(), c.name, String(c.attempt)]),
        ),
      );
    },
  );

program
  .command('inspect')
  .description('Show the status of a container (JSON)')
  .argument('<container-id>')
  .action(async (id: string) => print((await cri().containerStatus(id)).raw));

program
  .command('logs')
  .description("Print a container's log (stdout and stderr)")
  .option('-f, --follow', 'keep printing until the container exits')
  .argument('<container-id>')
  .action(async (id: string, o: { follow?: boolean }) => printLogs(api().info, id, !!o.follow));

registerStreamCommands(program, { api, seed, timeoutMs });

// ---- resource use and events (CRI v1)

for (const [name, what, print] of [
  ['stats', 'containers: CPU %, memory working set, writable layer', printContainerStats],
  ['statsp', 'pods: CPU %, memory working set, network bytes', printPodStats],
] as const)
  program
    .command(name)
    .description(`Resource use of ${what}`)
    .argument('[id]', name === 'stats' ? 'container id' : 'pod id')
    .option('-p, --pod <pod-id>', 'stats: only this pod`s containers')
    .option('--label <key=value>', 'label selector, repeatable', collect)
    .option('-w, --watch', 'refresh until interrupted')
    .option('-s, --seconds <n>', 'seconds between the two samples a CPU % is taken over', Number, 1)
    .addOption(outputOption())
    .action(async (id: string | undefined, o: { pod?: string; label?: string[]; watch?: boolean; seconds: number; output: Output }) =>
      print(api().v1Runtime, { id, podId: o.pod, labels: labelPairs(o.label) }, { json: o.output === 'json', watch: !!o.watch, seconds: o.seconds, timeoutMs: timeoutMs() }),
    );

program
  .command('events')
  .description('Follow container and pod lifecycle events (CRI v1 GetContainerEvents)')
  .addOption(outputOption())
  .action(async (o: { output: Output }) => followEvents(api().v1Runtime, o.output === 'json'));

// ---- images

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
    const images = await cri().listImages(ref);
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
    const image = await cri().imageStatus(ref);
    if (!image) throw new Error(`no such image ${ref}`);
    print(image);
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
  .description('Remove images')
  .argument('<reference...>')
  .action(async (refs: string[]) => {
    for (const ref of refs) {
      await cri().removeImage(ref);
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
