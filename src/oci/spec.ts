import type { ContainerSpec } from '../container/spec.js';
import type { ContainerProcess } from '../container/process.js';
import { defaultSeccompProfile } from './seccomp.js';
import { hostDevices } from './devices.js';

export interface OciMount {
  destination: string;
  type: string;
  source: string;
  options: string[];
}

/** What the spec needs from the sandbox a container joins. */
export interface PodContext {
  /** Namespace files of the pod; empty for one the pod shares with the host. */
  netns: string;
  ipcns: string;
  utsns: string;
  hostPid: boolean;
  /** Pod files bind-mounted at /etc/hosts, /etc/resolv.conf, /etc/hostname. */
  files: { hosts: string; resolv: string; hostname: string };
}

export interface OciSpecInput {
  spec: ContainerSpec;
  process: ContainerProcess;
  capabilities: string[];
  /** Already clamped to what the host allows. */
  oomScoreAdj: number | undefined;
  rootfs: string;
  pod: PodContext;
  cgroupsPath: string;
}

// The /proc and /sys paths runc-based runtimes hide or make read-only.
const MASKED_PATHS = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
const READONLY_PATHS = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

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

function bind(destination: string, source: string, readonly: boolean): OciMount {
  return { destination, type: 'bind', source, options: ['rbind', 'rprivate', readonly ? 'ro' : 'rw'] };
}

/** The runtime-spec config.json for a container, built from its CRI config, image and pod. */
export function buildOciSpec(i: OciSpecInput): Record<string, unknown> {
  const { spec, process: p, pod } = i;
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
    ...spec.mounts.map((m) => bind(m.containerPath, m.hostPath, m.readonly)),
  ];
  const namespaces: { type: string; path?: string }[] = [{ type: 'mount' }];
  if (!pod.hostPid) namespaces.push({ type: 'pid' });
  if (pod.netns) namespaces.push({ type: 'network', path: pod.netns });
  if (pod.ipcns) namespaces.push({ type: 'ipc', path: pod.ipcns });
  if (pod.utsns) namespaces.push({ type: 'uts', path: pod.utsns });

  const r = spec.resources;
  const cpu: Record<string, number> = {};
  if (r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  if (r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
  const resources: Record<string, unknown> = {
    devices: spec.privileged ? [{ allow: true, access: 'rwm' }] : [{ allow: false, access: 'rwm' }],
  };
  if (Object.keys(cpu).length) resources.cpu = cpu;
  if (r.memoryLimit > 0) resources.memory = { limit: r.memoryLimit };

  const caps = i.capabilities;
  // A process that is not root gets no effective capabilities, as in Docker.
  const effective = p.user.uid === 0 ? caps : [];
  const linux: Record<string, unknown> = {
    namespaces,
    cgroupsPath: i.cgroupsPath,
    resources,
  };
  if (spec.privileged) linux.devices = hostDevices();
  else {
    linux.maskedPaths = MASKED_PATHS;
    linux.readonlyPaths = READONLY_PATHS;
    linux.seccomp = defaultSeccompProfile(caps);
  }
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: spec.tty,
      user: { uid: p.user.uid, gid: p.user.gid, additionalGids: p.user.additionalGids },
      args: p.args,
      env: p.env,
      cwd: p.cwd,
      capabilities: { bounding: caps, effective, permitted: effective },
      noNewPrivileges: false,
      ...(i.oomScoreAdj !== undefined ? { oomScoreAdj: i.oomScoreAdj } : {}),
    },
    root: { path: i.rootfs, readonly: spec.readonlyRootfs },
    mounts,
    linux,
  };
}
