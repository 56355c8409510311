import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { connectClients, call, type Clients } from '../src/cli/client.js';
import { socketIsLive } from '../src/daemon/socket.js';
import { BERTHD, BERTHD_NODE_FLAGS } from '../test/helpers/daemon.js';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.js';
import { busyboxLayer, buildImage, layerTar, pushImage } from '../test/helpers/images.js';
import { mountsUnder } from '../test/helpers/cni.js';
import { benchConflist, childrenOf, commOf, requireContainerd, processesWhere, shimPids, startContainerd } from './containerd.js';
import { compare, printComparisons, type Comparison } from './compare.js';
import { anonMiB, cpuMs, percentile, rssMiB, writeResultFile } from './lib.js';

export interface AgainstOptions {
  /** Measured iterations per step and side. */
  n: number;
  seccomp: 'RuntimeDefault' | 'Unconfined';
  /** Pods (one running container each) behind the List figures. */
  listPods: number;
  /** Untimed pod lifecycles after which each daemon's idle memory is read again, for creep; 0 skips them. */
  creep: number;
}

type SideName = 'berth' | 'containerd';

interface Side {
  name: SideName;
  clients: Clients;
  proc: ChildProcess;
  logRoot: string;
  version: string;
  /** Helper processes per pod and their RSS, by kind. */
  helpers(): Record<string, number[]>;
}

const WARMUP = 3;
/** Idle time between making the List phase's pods and timing the Lists (one writable-layer pass period of berthd). */
const LIST_SETTLE_MS = 10_000;
const CALL_TIMEOUT_MS = 60_000;
const BERTH_BRIDGE = 'berthbench0';
const CONTAINERD_BRIDGE = 'cni-bench0';
const BERTH_SUBNET = '10.125.0.0/22';
const CONTAINERD_SUBNET = '10.125.4.0/22';
const CONTAINERD_NETWORK = 'containerd-bench';

let interrupted = false;

function rt<Res>(s: Side, method: string, req: object): Promise<Res> {
  const c = s.clients.v1Runtime;
  return call(c, (c as unknown as Record<string, never>)[method], req, CALL_TIMEOUT_MS);
}

function img<Res>(s: Side, method: string, req: object): Promise<Res> {
  const c = s.clients.v1Image;
  return call(c, (c as unknown as Record<string, never>)[method], req, CALL_TIMEOUT_MS * 2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const progress = (msg: string) => process.stderr.write(`bench: ${msg}\n`);

/** What the kubelet sends for a pod of its own, with the same seccomp choice on both sides. */
function podConfig(s: Side, name: string, o: AgainstOptions) {
  return {
    metadata: { name, namespace: 'bench', uid: `uid-${name}`, attempt: 0 },
    hostname: name,
    log_directory: join(s.logRoot, name),
    linux: {
      security_context: {
        // shareProcessNamespace: false, as the kubelet's default: no process per pod for PID 1.
        namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
        seccomp: { profile_type: o.seccomp },
      },
    },
  };
}

function containerConfig(image: string, o: AgainstOptions) {
  return {
    metadata: { name: 'c', attempt: 0 },
    image: { image },
    command: ['sleep', '100000'],
    log_path: 'c.log',
    linux: {
      security_context: {
        namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' },
        seccomp: { profile_type: o.seccomp },
      },
    },
  };
}

async function runPod(s: Side, name: string, o: AgainstOptions): Promise<{ id: string; config: object }> {
  const config = podConfig(s, name, o);
  // The kubelet makes the pod's log directory before RunPodSandbox.
  mkdirSync(config.log_directory, { recursive: true });
  const { pod_sandbox_id } = await rt<{ pod_sandbox_id: string }>(s, 'RunPodSandbox', { config });
  return { id: pod_sandbox_id, config };
}

async function createContainer(s: Side, pod: { id: string; config: object }, image: string, o: AgainstOptions): Promise<string> {
  const r = await rt<{ container_id: string }>(s, 'CreateContainer', { pod_sandbox_id: pod.id, config: containerConfig(image, o), sandbox_config: pod.config });
  return r.container_id;
}

async function containerState(s: Side, id: string): Promise<string> {
  const r = await rt<{ status: { state?: string } }>(s, 'ContainerStatus', { container_id: id });
  return r.status.state ?? 'CONTAINER_CREATED';
}

async function expectState(s: Side, id: string, want: string): Promise<void> {
  const got = await containerState(s, id);
  if (got !== want) throw new Error(`${s.name}: container ${id} is ${got}, not ${want}`);
}

/** Both sides, in an order that alternates with the iteration. */
function inTurn<T>(i: number, sides: [Side, Side], fn: (s: Side) => Promise<T>): Promise<void> {
  const order = i % 2 === 0 ? sides : ([sides[1], sides[0]] as [Side, Side]);
  return order.reduce<Promise<void>>(
    (p, s) =>
      p.then(async () => {
        if (interrupted) throw new Error('interrupted');
        await fn(s);
      }),
    Promise.resolve(),
  );
}

type Samples = Record<SideName, Record<string, number[]>>;

function record(samples: Samples, s: Side, step: string, v: number): void {
  (samples[s.name][step] ??= []).push(v);
}

const LIFECYCLE_STEPS = [
  'pod create (RunPodSandbox to READY)',
  'container create',
  'container start',
  'container create+start',
  'container stop (timeout 0)',
  'container remove',
  'pod stop',
  'pod remove',
  'full pod+container lifecycle',
] as const;

/** One pod with one container through its whole life, every step timed. */
async function lifecycle(s: Side, name: string, image: string, o: AgainstOptions, samples?: Samples): Promise<void> {
  const t0 = now();
  const pod = await runPod(s, name, o);
  const t1 = now();
  const ctr = await createContainer(s, pod, image, o);
  const t2 = now();
  await rt(s, 'StartContainer', { container_id: ctr });
  const t3 = now();
  if (!samples) await expectState(s, ctr, 'CONTAINER_RUNNING');
  const t4 = now();
  await rt(s, 'StopContainer', { container_id: ctr, timeout: 0 });
  const t5 = now();
  if (!samples) await expectState(s, ctr, 'CONTAINER_EXITED');
  const t6 = now();
  await rt(s, 'RemoveContainer', { container_id: ctr });
  const t7 = now();
  await rt(s, 'StopPodSandbox', { pod_sandbox_id: pod.id });
  const t8 = now();
  await rt(s, 'RemovePodSandbox', { pod_sandbox_id: pod.id });
  const t9 = now();
  if (!samples) return;
  const values = [t1 - t0, t2 - t1, t3 - t2, t3 - t1, t5 - t4, t7 - t6, t8 - t7, t9 - t8, t9 - t0];
  LIFECYCLE_STEPS.forEach((step, k) => record(samples, s, step, values[k]));
}

/** Resident memory, a few readings a moment apart. */
async function steadyRss(pid: number): Promise<number[]> {
  return (await steadyMemory(pid)).rss;
}

/**
 * Resident memory and its anonymous part, a few readings a moment apart.
 * The anonymous part is what the daemon costs the node: the rest of RSS is
 * its binary's pages, shared with every process running the same binary
 * (every node or containerd) and dropped under memory pressure.
 */
async function steadyMemory(pid: number): Promise<{ rss: number[]; anon: number[] }> {
  const out = { rss: [] as number[], anon: [] as number[] };
  for (let i = 0; i < 5; i++) {
    out.rss.push(rssMiB(pid));
    out.anon.push(anonMiB(pid));
    await sleep(200);
  }
  return out;
}

async function waitCriReady(s: Side): Promise<void> {
  const deadline = Date.now() + 60_000;
  let last = '';
  for (;;) {
    try {
      const st = await rt<{ status: { conditions: { type: string; status: boolean }[] } }>(s, 'Status', {});
      const ok = (t: string) => st.status.conditions.some((c) => c.type === t && c.status);
      if (ok('RuntimeReady') && ok('NetworkReady')) return;
      last = JSON.stringify(st.status.conditions);
    } catch (err) {
      last = String(err);
    }
    if (Date.now() > deadline) throw new Error(`${s.name} did not become ready: ${last}`);
    await sleep(200);
  }
}

async function startBerthd(base: string): Promise<{ proc: ChildProcess; socket: string; state: string }> {
  const socket = join(base, 'berth.sock');
  const state = join(base, 'berth-state');
  const confDir = join(base, 'berth-cni', 'net.d');
  const log = join(base, 'berthd.log');
  mkdirSync(confDir, { recursive: true });
  writeFileSync(join(confDir, '10-bench.conflist'), JSON.stringify(benchConflist('berth-bench', BERTH_BRIDGE, BERTH_SUBNET, join(base, 'berth-cni', 'ipam')), null, 2));
  const out = openSync(log, 'a');
  // Its own process group, for the same reason as containerd's.
  const proc = spawn(
    process.execPath,
    [...BERTHD_NODE_FLAGS, BERTHD, '--socket', socket, '--root', join(base, 'berth-root'), '--state', state, '--log-level', 'warn', '--cni-conf-dir', confDir],
    { stdio: ['ignore', out, out], detached: true },
  );
  closeSync(out);
  const deadline = Date.now() + 30_000;
  while (!(await socketIsLive(socket))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      if (proc.exitCode === null) proc.kill('SIGKILL');
      throw new Error(`berthd did not come up:\n${readFileSync(log, 'utf8').slice(-2000)}`);
    }
    await sleep(50);
  }
  return { proc, socket, state };
}

/** Everything the run started and made, so that cleanup can undo it whatever happened. */
class Run {
  readonly base = mkdtempSync('/tmp/berth-bench-');
  reg?: TestRegistry;
  sides: Side[] = [];
  berthState = '';
  containerdRuncRoot = '';
  containerdSocket = '';
  readonly ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  readonly cgroupsBefore = new Set(benchCgroupDirs());

  /** Removes every pod through CRI, stops both daemons, then sweeps what a failure could leave. */
  async cleanup(): Promise<string[]> {
    const problems: string[] = [];
    for (const s of this.sides) {
      try {
        await removeAllPods(s);
      } catch (err) {
        problems.push(`${s.name}: removing pods: ${String(err)}`);
      }
      s.clients.close();
      await stopProcess(s.proc, s.name === 'berth' ? 20_000 : 10_000);
    }
    if (this.berthState) sweepRuncRoot(join(this.berthState, 'runc'), problems);
    if (this.containerdRuncRoot) sweepRuncRoot(this.containerdRuncRoot, problems);
    for (const pid of processesWhere((a) => a.includes(this.base))) {
      problems.push(`killed leftover process ${pid} (${commOf(pid)})`);
      spawnSync('kill', ['-KILL', String(pid)]);
    }
    for (const ns of containerdNetns()) {
      problems.push(`deleted leftover network namespace ${ns}`);
      spawnSync('ip', ['netns', 'delete', ns]);
    }
    for (const f of containerdCniCache()) {
      problems.push(`deleted leftover CNI cache entry ${f}`);
      rmSync(f, { force: true });
    }
    for (const m of mountsUnder(this.base).sort().reverse()) {
      problems.push(`unmounted leftover ${m}`);
      spawnSync('umount', ['-l', m]);
    }
    for (const bridge of [BERTH_BRIDGE, CONTAINERD_BRIDGE]) spawnSync('ip', ['link', 'del', bridge]);
    for (const dir of benchCgroupDirs()) if (!this.cgroupsBefore.has(dir)) spawnSync('rmdir', [dir]);
    const otherBridges = spawnSync('ip', ['-o', 'link', 'show', 'type', 'bridge']).stdout.toString().trim();
    if (!otherBridges) writeFileSync('/proc/sys/net/ipv4/ip_forward', this.ipForward);
    rmSync(this.base, { recursive: true, force: true });
    problems.push(...leftovers(this.base, this.containerdSocket));
    await this.reg?.stop();
    return problems;
  }
}

/** The parents both runtimes make their container cgroups under, on every hierarchy. */
function benchCgroupDirs(): string[] {
  const out: string[] = [];
  for (const h of readdirSync('/sys/fs/cgroup')) {
    for (const p of ['k8s.io', 'berth']) {
      const dir = join('/sys/fs/cgroup', h, p);
      if (existsSync(dir)) out.push(dir);
    }
  }
  return out;
}

async function removeAllPods(s: Side): Promise<void> {
  const { items } = await rt<{ items: { id: string }[] }>(s, 'ListPodSandbox', {});
  for (const p of items) {
    await rt(s, 'StopPodSandbox', { pod_sandbox_id: p.id });
    await rt(s, 'RemovePodSandbox', { pod_sandbox_id: p.id });
  }
}

async function stopProcess(proc: ChildProcess, graceMs: number): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  if ((await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) === false) {
    proc.kill('SIGKILL');
    await exited;
  }
}

/**
 * containerd pins pod network namespaces in /var/run/netns, outside the
 * bench's dir; those whose pod address is in the bench's subnet are its own.
 */
function containerdNetns(): string[] {
  const names = spawnSync('ip', ['netns', 'list']).stdout.toString().split('\n').map((l) => l.split(' ')[0]).filter((n) => n.startsWith('cni-'));
  return names.filter((ns) => {
    const addrs = spawnSync('ip', ['-n', ns, '-o', '-4', 'addr', 'show']).stdout.toString();
    return [...addrs.matchAll(/inet (\d+\.\d+\.\d+\.\d+)/g)].some((m) => inSubnet(m[1], CONTAINERD_SUBNET));
  });
}

/** libcni's result cache (/var/lib/cni/results) for the bench's network, which containerd keeps outside its root. */
function containerdCniCache(): string[] {
  const dir = '/var/lib/cni/results';
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir);
  const ids = files.map((f) => new RegExp(`^${CONTAINERD_NETWORK}-([0-9a-f]{64})-`).exec(f)?.[1]).filter((id): id is string => !!id);
  return files.filter((f) => f.startsWith(`${CONTAINERD_NETWORK}-`) || ids.some((id) => f === `cni-loopback-${id}-lo`)).map((f) => join(dir, f));
}

function inSubnet(ip: string, cidr: string): boolean {
  const toInt = (a: string) => a.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const [net, bits] = cidr.split('/');
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(net) / size);
}

/** Containers a dead daemon left running under this runc root: killed and deleted. */
function sweepRuncRoot(root: string, problems: string[]): void {
  if (!existsSync(root)) return;
  const ids = spawnSync('runc', ['--root', root, 'list', '-q']).stdout.toString().split('\n').filter(Boolean);
  for (const id of ids) {
    problems.push(`deleted leftover runc container ${id}`);
    spawnSync('runc', ['--root', root, 'delete', '-f', id]);
  }
}

/** What /work/shared/hooks/before-stop would find of this run: processes, mounts, links, nat rules. */
function leftovers(base: string, containerdSocket: string): string[] {
  const out: string[] = [];
  const procs = processesWhere((a) => a.includes(base) || (!!containerdSocket && a.includes(containerdSocket)));
  if (procs.length) out.push(`LEFT BEHIND: processes ${procs.join(' ')}`);
  const cache = containerdCniCache();
  if (cache.length) out.push(`LEFT BEHIND: CNI cache entries ${cache.join(' ')}`);
  const netns = containerdNetns();
  if (netns.length) out.push(`LEFT BEHIND: network namespaces ${netns.join(' ')}`);
  const mounts = mountsUnder(base);
  if (mounts.length) out.push(`LEFT BEHIND: mounts ${mounts.join(' ')}`);
  const links = spawnSync('ip', ['-o', 'link', 'show']).stdout.toString();
  for (const b of [BERTH_BRIDGE, CONTAINERD_BRIDGE]) if (links.includes(`: ${b}:`) || links.includes(`master ${b} `)) out.push(`LEFT BEHIND: link ${b} or a veth on it`);
  const nat = spawnSync('iptables', ['-w', '-t', 'nat', '-S']).stdout.toString().split('\n');
  const ours = nat.filter((r) => [BERTH_SUBNET, CONTAINERD_SUBNET, '10.125.'].some((x) => r.includes(x)));
  if (ours.length) out.push(`LEFT BEHIND: nat rules\n  ${ours.join('\n  ')}`);
  return out;
}

async function setUp(run: Run): Promise<{ image: string; sides: [Side, Side] }> {
  progress('registry and images...');
  run.reg = await startRegistry('none');
  await pushImage(run.reg, 'bench/busybox', '1', buildImage({ layers: [{ tar: await busyboxLayer() }] }));
  // containerd's sandbox: catatonit in pause mode, as build-test-images.sh makes it.
  const pauseLayer = await layerTar([{ name: 'pause', content: readFileSync('/usr/bin/catatonit'), mode: 0o755 }]);
  await pushImage(run.reg, 'bench/pause', '3.9', buildImage({ layers: [{ tar: pauseLayer }], config: { Entrypoint: ['/pause', '-P'], Cmd: [], User: '65535:65535' } }));
  const image = `${run.reg.host}/bench/busybox:1`;
  const pauseImage = `${run.reg.host}/bench/pause:3.9`;

  progress('containerd...');
  const ctrd = await startContainerd({ dir: run.base, registry: run.reg.host, sandboxImage: pauseImage, network: CONTAINERD_NETWORK, bridge: CONTAINERD_BRIDGE, subnet: CONTAINERD_SUBNET });
  run.containerdRuncRoot = ctrd.runcRoot;
  run.containerdSocket = ctrd.socket;
  const containerd: Side = {
    name: 'containerd',
    clients: connectClients(ctrd.socket),
    proc: ctrd.proc,
    logRoot: join(run.base, 'logs-containerd'),
    version: '',
    helpers() {
      const shims = shimPids(ctrd.socket);
      const pauses = shims.flatMap(childrenOf).filter((p) => commOf(p) === 'pause');
      return { 'containerd-shim-runc-v2': shims.map(rssMiB), pause: pauses.map(rssMiB) };
    },
  };
  run.sides.push(containerd);

  progress('berthd...');
  const b = await startBerthd(run.base);
  run.berthState = b.state;
  const berth: Side = {
    name: 'berth',
    clients: connectClients(b.socket),
    proc: b.proc,
    logRoot: join(run.base, 'logs-berth'),
    version: '',
    helpers() {
      return { conmon: processesWhere((a) => a.startsWith('/usr/bin/conmon') && a.includes(b.state)).map(rssMiB) };
    },
  };
  run.sides.push(berth);

  const sides: [Side, Side] = [berth, containerd];
  for (const s of sides) {
    await waitCriReady(s);
    await img(s, 'PullImage', { image: { image } });
    s.version = (await rt<{ runtime_version: string }>(s, 'Version', {})).runtime_version;
  }
  await img(containerd, 'PullImage', { image: { image: pauseImage } });
  return { image, sides };
}

function summarise(samples: Samples, steps: readonly string[], unit: string): Comparison[] {
  return steps.map((step) => compare(step, unit, samples.berth[step] ?? [], samples.containerd[step] ?? []));
}

const EXEC = 'ExecSync `true`';
const HELPERS = 'helper processes per pod (1 running container)';
const RSS_START = 'daemon RSS idle, after start and image pull';
const ANON_START = 'daemon anonymous RSS idle, after start and image pull';
const RSS_AFTER = 'daemon RSS idle, after the run';
const rssCreep = (lifecycles: number) => `daemon RSS idle, after ${lifecycles} more pod lifecycles`;
const anonCreep = (lifecycles: number) => `daemon anonymous RSS idle, after ${lifecycles} more pod lifecycles`;
const listSteps = (pods: number) => [`ListContainers, ${pods} pods`, `ListPodSandbox, ${pods} pods`, `ListContainerStats, ${pods} running containers`] as const;
/** The empty call: what one round trip through each side's gRPC stack costs, whatever the handler does. */
const VERSION_STEP = 'Version (empty call)';
/**
 * CPU time of the daemon's own process (all its threads) per call, read
 * from /proc around each call: where a round trip's time is spent on the
 * daemon's side rather than the client's, which is the same bench process
 * for both.
 */
const daemonCpu = (step: string) => `daemon CPU per call: ${step}`;
/**
 * berthd answers a cgroup's stats from a reading up to a second old (the
 * kubelet asks for container and pod stats together); calls this far apart
 * measure fresh readings, as containerd makes at every call.
 */
const STATS_SPACING_MS = 1100;
const rssBusy = (pods: number) => `daemon RSS with ${pods} pods`;

/** Per runtime, each kind of helper process and the RSS of each of them. */
type HelperRss = Record<SideName, Record<string, number[]>>;

async function lifecyclePhase(sides: [Side, Side], image: string, o: AgainstOptions, samples: Samples): Promise<void> {
  progress(`lifecycle: ${WARMUP} warm-up + ${o.n} measured iterations per side...`);
  for (let i = 0; i < WARMUP + o.n; i++) await inTurn(i, sides, (s) => lifecycle(s, `lc${i}`, image, o, i >= WARMUP ? samples : undefined));
}

/**
 * o.creep pod lifecycles on each side (both sides at once: only memory is
 * read here), then each daemon's idle memory again. A daemon that keeps
 * something per pod or container it has removed grows with them.
 */
async function creepPhase(sides: [Side, Side], image: string, o: AgainstOptions, samples: Samples): Promise<void> {
  progress(`memory creep: ${o.creep} pod lifecycles on each side...`);
  const every = Math.max(1, Math.round(o.creep / 10));
  // A failure on one side stops the other, whose lifecycle in flight ends before the cleanup starts.
  let failure: { err: unknown } | undefined;
  await Promise.all(
    sides.map(async (s) => {
      try {
        for (let i = 0; i < o.creep && !failure; i++) {
          if (interrupted) throw new Error('interrupted');
          await lifecycle(s, `cr${i}`, image, o);
          if ((i + 1) % every === 0) progress(`memory creep: ${s.name} ${i + 1}/${o.creep}`);
        }
      } catch (err) {
        failure ??= { err };
      }
    }),
  );
  if (failure) throw failure.err;
  await sleep(2000);
  for (const s of sides) {
    const m = await steadyMemory(s.proc.pid!);
    samples[s.name][rssCreep(o.creep)] = m.rss;
    samples[s.name][anonCreep(o.creep)] = m.anon;
  }
}

/** Each side's idle RSS after the creep phase over its idle RSS before it. */
function creepRatios(samples: Samples, lifecycles: number): Record<SideName, number> {
  const median = (v: number[]) => percentile([...v].sort((a, b) => a - b), 50);
  const ratio = (s: SideName) => median(samples[s][rssCreep(lifecycles)]) / median(samples[s][RSS_START]);
  return { berth: ratio('berth'), containerd: ratio('containerd') };
}

/** Three pods with a running container on each side: their helper processes' memory, and ExecSync into one of them. */
async function execPhase(sides: [Side, Side], image: string, o: AgainstOptions, samples: Samples, helpers: HelperRss): Promise<void> {
  progress('ExecSync and helper memory...');
  const pods = 3;
  const target: Partial<Record<SideName, string>> = {};
  for (const s of sides) {
    for (let k = 0; k < pods; k++) {
      const ctr = await createContainer(s, await runPod(s, `ex${k}`, o), image, o);
      await rt(s, 'StartContainer', { container_id: ctr });
      target[s.name] ??= ctr;
    }
  }
  await sleep(1000);
  for (const s of sides) {
    helpers[s.name] = s.helpers();
    const kinds = Object.entries(helpers[s.name]);
    for (const [kind, rss] of kinds) if (rss.length !== pods) throw new Error(`${s.name}: ${rss.length} ${kind} processes for ${pods} pods`);
    samples[s.name][HELPERS] = Array.from({ length: pods }, (_, i) => kinds.reduce((sum, [, rss]) => sum + rss[i], 0));
  }
  for (let i = 0; i < WARMUP + o.n; i++) {
    await inTurn(i, sides, async (s) => {
      const t0 = now();
      const r = await rt<{ exit_code?: number }>(s, 'ExecSync', { container_id: target[s.name], cmd: ['true'], timeout: 10 });
      const t = now() - t0;
      if ((r.exit_code ?? 0) !== 0) throw new Error(`${s.name}: ExecSync true exited ${r.exit_code}`);
      if (i >= WARMUP) record(samples, s, EXEC, t);
    });
  }
  for (const s of sides) await removeAllPods(s);
}

/** Lists on a node with o.listPods pods, one running container each; daemon memory with them. */
async function listPhase(sides: [Side, Side], image: string, o: AgainstOptions, samples: Samples): Promise<void> {
  progress(`${o.listPods} pods with a running container on each side...`);
  for (let k = 0; k < o.listPods; k++) {
    await inTurn(k, sides, async (s) => {
      const pod = await runPod(s, `ls${k}`, o);
      await rt(s, 'StartContainer', { container_id: await createContainer(s, pod, image, o) });
    });
  }
  // A node lists pods that have been running, not the burst that made them: right after it, both daemons still finish
  // its work (berthd: V8 optimizing what the burst made hot, the first walk of 100 new writable layers), which made
  // berth's first ~6 s of Lists 2-3x its steady time. Both sides get the same pause.
  await sleep(LIST_SETTLE_MS);
  const [listCtr, listPod, listStats] = listSteps(o.listPods);
  const timed = async <Res>(s: Side, i: number, method: string, step: string, cpu: boolean): Promise<Res> => {
    const c0 = cpu ? cpuMs(s.proc.pid!) : 0;
    const t0 = now();
    const r = await rt<Res>(s, method, {});
    const t = now() - t0;
    if (i >= WARMUP) {
      record(samples, s, step, t);
      if (cpu) record(samples, s, daemonCpu(step), cpuMs(s.proc.pid!) - c0);
    }
    return r;
  };
  const timedList = async (s: Side, i: number, method: string, step: string, cpu = false) => {
    const r = await timed<{ containers?: unknown[]; items?: unknown[]; stats?: unknown[] }>(s, i, method, step, cpu);
    const count = (r.containers ?? r.items ?? r.stats ?? []).length;
    if (count !== o.listPods) throw new Error(`${s.name}: ${method} listed ${count}, not ${o.listPods}`);
  };
  for (let i = 0; i < WARMUP + o.n; i++) {
    await inTurn(i, sides, async (s) => {
      await timedList(s, i, 'ListContainers', listCtr, true);
      await timedList(s, i, 'ListPodSandbox', listPod, true);
      await timed(s, i, 'Version', VERSION_STEP, true);
    });
  }
  progress(`ListContainerStats, ${STATS_SPACING_MS} ms apart...`);
  for (let i = 0; i < WARMUP + o.n; i++) {
    await sleep(STATS_SPACING_MS);
    await inTurn(i, sides, (s) => timedList(s, i, 'ListContainerStats', listStats));
  }
  for (const s of sides) samples[s.name][rssBusy(o.listPods)] = await steadyRss(s.proc.pid!);
  progress('removing them...');
  for (const s of sides) await removeAllPods(s);
}

/** Starts containerd and berthd side by side and measures both through CRI v1, alternating. */
export async function againstContainerd(o: AgainstOptions): Promise<void> {
  requireContainerd();
  const run = new Run();
  const onSignal = (sig: string) => {
    if (!interrupted) progress(`${sig}: stopping after the call in flight, then removing everything the bench made`);
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const started = Date.now();
  const load = [loadavg()[0]];
  const samples: Samples = { berth: {}, containerd: {} };
  const helpers: HelperRss = { berth: {}, containerd: {} };
  let failure: unknown;
  let sides: [Side, Side] | undefined;
  try {
    const setup = await setUp(run);
    sides = setup.sides;
    await sleep(2000);
    for (const s of sides) {
      const m = await steadyMemory(s.proc.pid!);
      samples[s.name][RSS_START] = m.rss;
      samples[s.name][ANON_START] = m.anon;
    }
    if (o.creep) await creepPhase(sides, setup.image, o, samples);
    await lifecyclePhase(sides, setup.image, o, samples);
    await execPhase(sides, setup.image, o, samples, helpers);
    await listPhase(sides, setup.image, o, samples);
    await sleep(2000);
    for (const s of sides) samples[s.name][RSS_AFTER] = await steadyRss(s.proc.pid!);
  } catch (err) {
    failure = err;
  }
  load.push(loadavg()[0]);
  progress('cleaning up...');
  const problems = await run.cleanup();
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (failure) {
    for (const p of problems) progress(p);
    if (!interrupted) throw failure;
    progress('interrupted; what the bench started is stopped and removed');
    process.exitCode = 130;
    return;
  }
  const results = [
    ...summarise(samples, [...LIFECYCLE_STEPS, EXEC, ...listSteps(o.listPods), VERSION_STEP], 'ms'),
    ...summarise(samples, [...listSteps(o.listPods).slice(0, 2), VERSION_STEP].map(daemonCpu), 'ms'),
    ...summarise(samples, [RSS_START, ANON_START, ...(o.creep ? [rssCreep(o.creep), anonCreep(o.creep)] : []), rssBusy(o.listPods), RSS_AFTER, HELPERS], 'MiB'),
  ];
  const creep = o.creep ? creepRatios(samples, o.creep) : undefined;
  const seconds = Math.round((Date.now() - started) / 1000);
  const [berth, containerd] = sides!;
  console.log(
    `berth ${berth.version} vs containerd ${containerd.version} (CRI plugin, runc), CRI v1, seccomp ${o.seccomp}, ` +
      `A/B alternating, n=${o.n} after ${WARMUP} warm-up; ${cpus().length} CPUs, load ${load.map((l) => l.toFixed(2)).join(' -> ')}, ${seconds} s`,
  );
  printComparisons(results);
  if (creep)
    console.log(
      `\nmemory creep, idle RSS after ${o.creep} pod lifecycles / idle RSS after start: berth ${creep.berth.toFixed(2)}, containerd ${creep.containerd.toFixed(2)}`,
    );
  const file = writeResultFile({
    at: new Date().toISOString(),
    against: 'containerd',
    versions: { berth: berth.version, containerd: containerd.version },
    settings: { n: o.n, warmup: WARMUP, seccomp: o.seccomp, listPods: o.listPods, creep: o.creep, cpus: cpus().length, loadavg1: load, seconds },
    comparisons: results,
    ...(creep && { creep: { lifecycles: o.creep, idleRssRatio: creep } }),
    helperProcessRss: helpers,
  });
  console.log(`\nwritten to ${file}`);
  for (const p of problems) progress(p);
  if (problems.some((p) => p.startsWith('LEFT BEHIND'))) process.exitCode = 1;
}
