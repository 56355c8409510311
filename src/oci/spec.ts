import { readFileSync } from 'node:fs';
import type { ContainerSpec, ResourcesSpec } from '../container/spec.js';
import type { ContainerProcess } from '../container/process.js';
import { failedPrecondition, invalidArgument, quote } from '../errors.js';
import { defaultSeccompProfile } from './seccomp.js';
import { parseSeccompProfile, readLocalhostProfile } from './seccomp-localhost.js';
import { hostDevices, requestedDevices, type DeviceRule, type LinuxDevice } from './devices.js';
import { hostSupport } from './host-support.js';
import { checkPropagation } from './mount-info.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** The PID namespace a container gets: its own, the host's, or one to join by path. */
export type PidNamespace = { kind: 'new' } | { kind: 'host' } | { kind: 'join'; path: string };

/** What the spec needs from the sandbox a container joins. */
export interface PodContext {
  /** Namespace files of the pod; empty for one the pod shares with the host. */
  netns: string;
  ipcns: string;
  utsns: string;
  pid: PidNamespace;
  /** Pod files bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  files: { hosts: string; resolv: string; hostname: string };
}

export interface OciSpecInput {
  spec: ContainerSpec;
  process: ContainerProcess;
  capabilities: string[];
  /** Ambient capabilities, already limited to what the host allows. */
  ambient: string[];
  /** Already clamped to what the host allows. */
  oomScoreAdj: number | undefined;
  /** What the OCI runtime says it supports, when a mount needs an option not every runtime has. */
  runtimeMountOptions?: string[];
  rootfs: string;
  pod: PodContext;
  cgroupsPath: string;
}

// The /proc and /sys paths runc-based runtimes hide or make read-only.
export const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

function defaultMounts(privileged: boolean): OciMount[] {
  return [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', privileged ? 'rw' : 'ro'] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', privileged ? 'rw' : 'ro'] },
  ];
}

/** The kernel's list format for cpuset.cpus and cpuset.mems. */
const CPU_LIST = /^\d+(-\d+)?(,\d+(-\d+)?)*$/;

const PROPAGATION = { private: 'rprivate', rslave: 'rslave', rshared: 'rshared' } as const;

function bind(destination: string, source: string, readonly: boolean, propagation: keyof typeof PROPAGATION = 'private', recursiveRo = false): OciMount {
  return {
    destination,
    type: 'bind',
    source,
    options: ['rbind', PROPAGATION[propagation], readonly ? 'ro' : 'rw', ...(recursiveRo ? ['rro'] : [])],
  };
}

/**
 * The runtime-spec linux.resources for CRI resources (also what `runc
 * update` takes). Settings the host cannot apply: unified files on a cgroup
 * v1 host are refused; swap without swap accounting and hugepage limits
 * without the hugetlb controller are left out, as containerd does (the
 * kubelet sends them for every container).
 */
export function ociResources(r: ResourcesSpec): Record<string, unknown> {
  const host = hostSupport();
  const out: Record<string, unknown> = {};
  const cpu: Record<string, unknown> = {};
  if (r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  for (const [what, list] of [['cpuset_cpus', r.cpusetCpus], ['cpuset_mems', r.cpusetMems]])
    if (list && !CPU_LIST.test(list)) throw invalidArgument(`${what} ${quote(list)} is not a list such as 0-3,6`);
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus;
  if (r.cpusetMems) cpu.mems = r.cpusetMems;
  if (Object.keys(cpu).length) out.cpu = cpu;
  const memory: Record<string, number> = {};
  if (r.memoryLimit > 0) memory.limit = r.memoryLimit;
  if (r.memorySwapLimit > 0 && host.swap) {
    if (!(r.memoryLimit > 0)) throw invalidArgument('memory_swap_limit_in_bytes needs memory_limit_in_bytes: it counts memory plus swap');
    if (r.memorySwapLimit < r.memoryLimit)
      throw invalidArgument(`memory_swap_limit_in_bytes ${r.memorySwapLimit} is below memory_limit_in_bytes ${r.memoryLimit}: it counts memory plus swap`);
    memory.swap = r.memorySwapLimit;
  }
  if (Object.keys(memory).length) out.memory = memory;
  if (r.hugepageLimits.length && host.hugetlb) {
    for (const h of r.hugepageLimits)
      if (!host.pageSizes.includes(h.pageSize))
        throw invalidArgument(`hugepage size ${quote(h.pageSize)} is not one this host has (${host.pageSizes.join(', ') || 'none'})`);
    out.hugepageLimits = r.hugepageLimits.map((h) => ({ pageSize: h.pageSize, limit: h.limit }));
  }
  if (Object.keys(r.unified).length) {
    if (!host.cgroup2)
      throw failedPrecondition(`unified resources (${quote(Object.keys(r.unified).join(', '))}) need cgroup v2; this host runs cgroup v1`);
    out.unified = r.unified;
  }
  return out;
}

async function seccompFor(spec: ContainerSpec, caps: string[]): Promise<Record<string, unknown> | undefined> {
  if (spec.privileged) return undefined;
  switch (spec.seccomp.kind) {
    case 'unconfined':
      return undefined;
    case 'runtimeDefault':
      return defaultSeccompProfile(caps) as unknown as Record<string, unknown>;
    case 'localhost': {
      const path = spec.seccomp.localhostRef;
      return parseSeccompProfile(await readLocalhostProfile(path), caps, `seccomp profile ${quote(path)}`);
    }
  }
}

/** Loaded profiles are listed one a line, `name (mode)`. */
function apparmorLoaded(name: string): boolean {
  try {
    return readFileSync('/sys/kernel/security/apparmor/profiles', 'utf8')
      .split('\n')
      .some((l) => l.replace(/ \([^)]*\)$/, '') === name);
  } catch {
    return false;
  }
}

/**
 * AppArmor: berth has no profile of its own, so the runtime default is none;
 * a named profile needs AppArmor on the host, and is refused clearly
 * where there is none rather than run unconfined.
 */
function apparmorFor(spec: ContainerSpec): string | undefined {
  if (spec.privileged || spec.apparmor.kind !== 'localhost') return undefined;
  const name = spec.apparmor.localhostRef;
  if (!name) throw invalidArgument('apparmor localhost profile needs a profile name');
  if (!hostSupport().apparmor) throw failedPrecondition(`AppArmor profile ${quote(name)} asked for, but AppArmor is not enabled on this host`);
  if (!apparmorLoaded(name)) throw failedPrecondition(`AppArmor profile ${quote(name)} is not loaded on this host`);
  return name;
}

/** The runtime-spec config.json for a container, built from its CRI config, image and pod. */
export async function buildOciSpec(i: OciSpecInput): Promise<Record<string, unknown>> {
  const { spec, process: p, pod } = i;
  for (const m of spec.mounts) {
    if (m.recursiveReadonly && (!m.readonly || m.propagation !== 'private'))
      throw invalidArgument(`mount ${quote(m.containerPath)}: recursive read-only needs readonly and private propagation`);
    if (m.recursiveReadonly && i.runtimeMountOptions && !i.runtimeMountOptions.includes('rro'))
      throw failedPrecondition(`mount ${quote(m.containerPath)}: recursive read-only needs an OCI runtime that supports rro (runc >= 1.1); this one does not`);
    checkPropagation(m.hostPath, m.propagation);
  }
  const criDestinations = new Set(spec.mounts.map((m) => m.containerPath));
  const mounts: OciMount[] = [
    ...defaultMounts(spec.privileged).filter((m) => !criDestinations.has(m.destination)),
    ...([
      ['/etc/hosts', pod.files.hosts],
      ['/etc/resolv.conf', pod.files.resolv],
      ['/etc/hostname', pod.files.hostname],
    ] as const)
      .filter(([dest]) => !criDestinations.has(dest))
      .map(([dest, src]) => bind(dest, src, false)),
    ...spec.mounts.map((m) => bind(m.containerPath, m.hostPath, m.readonly, m.propagation, m.recursiveReadonly)),
  ];
  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (pod.pid.kind === 'new') namespaces.push({ type: 'pid' });
  else if (pod.pid.kind === 'join') namespaces.push({ type: 'pid', path: pod.pid.path });
  if (pod.netns) namespaces.push({ type: 'network', path: pod.netns });
  if (pod.ipcns) namespaces.push({ type: 'ipc', path: pod.ipcns });
  if (pod.utsns) namespaces.push({ type: 'uts', path: pod.utsns });

  const devices: LinuxDevice[] = spec.privileged ? hostDevices() : [];
  const rules: DeviceRule[] = [];
  for (const d of spec.devices) {
    const got = requestedDevices(d.containerPath, d.hostPath, d.permissions);
    for (const dev of got.devices) if (!devices.some((x) => x.path === dev.path)) devices.push(dev);
    rules.push(...got.rules);
  }
  const resources: Record<string, unknown> = {
    ...ociResources(spec.resources),
    devices: spec.privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }, ...rules],
  };

  const caps = i.capabilities;
  const ambient = spec.privileged ? [] : i.ambient;
  const bounding = [...new Set([...caps, ...ambient])];
  // A process that is not root gets no effective capabilities, as in Docker;
  // ambient ones it keeps across exec, which is what they are for.
  const effective = p.user.uid === 0 ? bounding : ambient;
  const linux: Record<string, unknown> = { namespaces, cgroupsPath: i.cgroupsPath, resources };
  if (devices.length) linux.devices = devices;
  if (!spec.privileged) {
    linux.maskedPaths = spec.maskedPaths ?? MASKED_PATHS;
    linux.readonlyPaths = spec.readonlyPaths ?? READONLY_PATHS;
  }
  const seccomp = await seccompFor(spec, bounding);
  if (seccomp) linux.seccomp = seccomp;
  // A bidirectional mount needs the container's root mount shared for its
  // mounts to travel back to the host (what containerd sets).
  if (spec.mounts.some((m) => m.propagation === 'rshared')) linux.rootfsPropagation = 'rshared';
  const apparmor = apparmorFor(spec);
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: spec.tty,
      user: { uid: p.user.uid, gid: p.user.gid, additionalGids: p.user.additionalGids },
      args: p.args,
      // As containerd's WithTTY: a terminal without TERM leaves full-screen programs blind.
      env: spec.tty && !p.env.some((e) => e.startsWith('TERM=')) ? [...p.env, 'TERM=xterm'] : p.env,
      cwd: p.cwd,
      capabilities: {
        bounding,
        effective,
        permitted: effective,
        ...(ambient.length ? { inheritable: ambient, ambient } : {}),
      },
      noNewPrivileges: spec.noNewPrivs,
      ...(apparmor ? { apparmorProfile: apparmor } : {}),
      ...(i.oomScoreAdj !== undefined ? { oomScoreAdj: i.oomScoreAdj } : {}),
    },
    root: { path: i.rootfs, readonly: spec.readonlyRootfs },
    mounts,
    linux,
  };
}
