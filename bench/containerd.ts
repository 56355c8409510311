import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { socketIsLive } from '../src/daemon/socket.js';

/**
 * A private containerd with its CRI plugin, set up as
 * shared/conformance/containerd-up.sh does (same config.toml, hosts.toml
 * redirect, bridge + host-local + portmap conflist, runc via
 * io.containerd.runc.v2), but with everything under `dir` and a bridge and
 * subnet of its own, so that it never meets the conformance harness's
 * containerd (cni-harness0) or anyone's /etc.
 */
export interface ContainerdOptions {
  dir: string;
  /** host:port of a plain-HTTP registry on loopback. */
  registry: string;
  sandboxImage: string;
  /** CNI network name, bridge and subnet: never the harness's. */
  network: string;
  bridge: string;
  subnet: string;
}

export interface PrivateContainerd {
  socket: string;
  /** runc's --root for the k8s.io namespace, for the leftover sweep. */
  runcRoot: string;
  proc: ChildProcess;
}

/** A clear error where the package is missing: it is not among the packages berth itself needs. */
export function requireContainerd(): void {
  const r = spawnSync('containerd', ['--version']);
  if (r.error || r.status !== 0) throw new Error("--against containerd needs Debian's containerd package: apt-get install containerd");
}

/** containerd-up.sh's RESTRICT_OOM=auto: lowering oom_score_adj needs CAP_SYS_RESOURCE (bit 24). */
function restrictOomScoreAdj(): boolean {
  const eff = /^CapEff:\s+([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return ((BigInt(`0x${eff}`) >> 24n) & 1n) === 0n;
}

export async function startContainerd(o: ContainerdOptions): Promise<PrivateContainerd> {
  const confDir = join(o.dir, 'containerd');
  const root = join(o.dir, 'containerd-root');
  const socket = join(o.dir, 'containerd.sock');
  const cniDir = join(o.dir, 'containerd-cni');
  const log = join(o.dir, 'containerd.log');
  for (const d of ['root', 'state', 'runc', 'opt']) mkdirSync(join(root, d), { recursive: true });
  mkdirSync(join(cniDir, 'net.d'), { recursive: true });
  mkdirSync(join(cniDir, 'ipam'), { recursive: true });
  const hosts = join(confDir, 'certs.d', o.registry);
  mkdirSync(hosts, { recursive: true });
  writeFileSync(
    join(hosts, 'hosts.toml'),
    `server = "http://${o.registry}"\n\n[host."http://${o.registry}"]\n  capabilities = ["pull", "resolve", "push"]\n  skip_verify = true\n`,
  );
  writeFileSync(
    join(cniDir, 'net.d', '10-bench.conflist'),
    JSON.stringify(benchConflist(o.network, o.bridge, o.subnet, join(cniDir, 'ipam')), null, 2),
  );
  writeFileSync(
    join(confDir, 'config.toml'),
    `version = 2
root = "${root}/root"
state = "${root}/state"
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
]

[grpc]
  address = "${socket}"

[debug]
  level = "warn"

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "${root}/opt"

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "${o.sandboxImage}"
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    enable_selinux = false
    enable_tls_streaming = false
    max_container_log_line_size = 16384
    restrict_oom_score_adj = ${restrictOomScoreAdj()}

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "/usr/sbin/runc"
          Root = "${root}/runc"
          SystemdCgroup = false

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "${cniDir}/net.d"
      max_conf_num = 1

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "${confDir}/certs.d"
`,
  );
  const out = openSync(log, 'a');
  // Its own process group: a Ctrl-C at the terminal reaches the bench, which
  // removes the pods first, not containerd, which would leave its shims behind.
  const proc = spawn('containerd', ['--config', join(confDir, 'config.toml')], {
    stdio: ['ignore', out, out],
    detached: true,
    env: { ...process.env, PATH: `/usr/sbin:/usr/bin:${process.env.PATH ?? ''}` },
  });
  closeSync(out);
  const deadline = Date.now() + 30_000;
  while (!(await socketIsLive(socket))) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');
      if (proc.exitCode === null) proc.kill('SIGKILL');
      throw new Error(`containerd did not come up:\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { socket, runcRoot: join(root, 'runc', 'k8s.io'), proc };
}

/** containerd-up.sh's CNI chain, which both sides get: bridge + host-local (own data dir) + portmap. */
export function benchConflist(name: string, bridge: string, subnet: string, ipamDir: string): object {
  return {
    cniVersion: '1.0.0',
    name,
    plugins: [
      {
        type: 'bridge',
        bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet }]], routes: [{ dst: '0.0.0.0/0' }] },
      },
      { type: 'portmap', capabilities: { portMappings: true }, snat: true },
    ],
  };
}

/** Pids of the shims this containerd started: their argv names its socket. */
export function shimPids(socket: string): number[] {
  return processesWhere((args) => args.includes('containerd-shim') && args.includes(socket));
}

/** Pids whose command line matches. */
export function processesWhere(match: (args: string) => boolean): number[] {
  const out = spawnSync('ps', ['-eo', 'pid=,args=']).stdout.toString();
  return out
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => !!m && match(m[2]))
    .map((m) => Number(m[1]))
    .filter((pid) => pid !== process.pid);
}

/** Children of `pid`, from /proc/PID/task/PID/children. */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}
