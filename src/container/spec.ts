/**
 * A security profile choice (seccomp or AppArmor). `runtimeDefault` is
 * berth's own seccomp profile (src/oci/seccomp.ts); for AppArmor, berth has
 * no profile of its own, so it means none. `localhost` names a seccomp JSON
 * file by absolute path, or an AppArmor profile loaded on the host by name.
 */
export interface SecurityProfileSpec {
  kind: 'unconfined' | 'runtimeDefault' | 'localhost';
  /** Only for `localhost`: the seccomp profile's absolute path, or the AppArmor profile's name. */
  localhostRef: string;
}

/** Linux resources, as the CRI's LinuxContainerResources means them; 0/''/[]/{} is "not set". */
export interface ResourcesSpec {
  cpuPeriod: number;
  cpuQuota: number;
  cpuShares: number;
  memoryLimit: number;
  /** memory + swap, in bytes (cgroup v1 memsw); 0 not set. */
  memorySwapLimit: number;
  oomScoreAdj: number | undefined;
  cpusetCpus: string;
  cpusetMems: string;
  /** pageSize as the CRI writes it: "2MB", "1GB". */
  hugepageLimits: { pageSize: string; limit: number }[];
  /** cgroup v2 files; refused on a cgroup v1 host. */
  unified: Record<string, string>;
}

export type PidMode =
  /** Its own PID namespace (Kubernetes' default). */
  | 'container'
  /** The pod's one PID namespace, held by a process berth starts for pods that ask (SandboxSpec.podPid). */
  | 'pod'
  /** The host's (the pod must have hostPid). */
  | 'node'
  /** The PID namespace of another container of the pod, `pidTarget`. */
  | 'target';

/** A validated ContainerConfig, as the domain code takes it. */
export interface ContainerSpec {
  name: string;
  attempt: number;
  image: string;
  command: string[];
  args: string[];
  workingDir: string;
  envs: [string, string][];
  mounts: MountSpec[];
  devices: DeviceSpec[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  privileged: boolean;
  readonlyRootfs: boolean;
  /** Relative to the sandbox's log directory; '' for no log file. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  resources: ResourcesSpec;
  capAdd: string[];
  capDrop: string[];
  /** Added to every set including the ambient one (CAP_ names). */
  capAmbient: string[];
  /**
   * The identity the security context asks for; undefined: the image's
   * User. At most one of uid and username; gid only with one of them.
   */
  user: UserSpec | undefined;
  /** Supplementary groups given by the config. */
  additionalGids: number[];
  /** merge: the image's groups of the user plus additionalGids; strict: additionalGids only. */
  supplementalGroupsPolicy: 'merge' | 'strict';
  /** Ignored for a privileged container, which runs unconfined. */
  seccomp: SecurityProfileSpec;
  apparmor: SecurityProfileSpec;
  noNewPrivs: boolean;
  /** undefined: the runc-based runtimes' defaults; a list: exactly those. None when privileged. */
  maskedPaths: string[] | undefined;
  readonlyPaths: string[] | undefined;
  /**
   * undefined: follow the pod (node if the pod has hostPid, pod if it has
   * podPid, else container). The seed API leaves it undefined.
   */
  pid: PidMode | undefined;
  /** A container id (or unique prefix) of the same pod, for pid 'target'. */
  pidTarget: string;
  /** v1 stop_signal (e.g. SIGUSR1); unset or '': the image's StopSignal, else SIGTERM. */
  stopSignal?: string;
}

export interface UserSpec {
  uid?: number;
  /** Looked up in the image's /etc/passwd. */
  username?: string;
  gid?: number;
}

export interface MountSpec {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  /** ro on the mount and every mount below it (needs readonly, and propagation private). */
  recursiveReadonly: boolean;
  /** rshared needs the host path on a shared mount, rslave on a shared or slave one. */
  propagation: 'private' | 'rslave' | 'rshared';
  selinuxRelabel: boolean;
}

export interface DeviceSpec {
  containerPath: string;
  hostPath: string;
  /** Some of r, w, m; '' means rwm. */
  permissions: string;
}

export const NO_RESOURCES: ResourcesSpec = {
  cpuPeriod: 0,
  cpuQuota: 0,
  cpuShares: 0,
  memoryLimit: 0,
  memorySwapLimit: 0,
  oomScoreAdj: undefined,
  cpusetCpus: '',
  cpusetMems: '',
  hugepageLimits: [],
  unified: {},
};

/**
 * A spec stored by an older berthd lacks the fields added since; they get
 * the values that keep what that berthd did (the seed's behaviour).
 */
export function withContainerDefaults(s: ContainerSpec): ContainerSpec {
  const old = s as Partial<ContainerSpec> & { user?: UserSpec & { additionalGids?: number[] } };
  const user = old.user ? { uid: old.user.uid, username: old.user.username, gid: old.user.gid } : undefined;
  return {
    ...s,
    devices: old.devices ?? [],
    mounts: (old.mounts ?? []).map((m) => ({ ...m, recursiveReadonly: m.recursiveReadonly ?? false, propagation: m.propagation ?? 'private' })),
    resources: { ...NO_RESOURCES, ...old.resources },
    capAmbient: old.capAmbient ?? [],
    user,
    supplementalGroupsPolicy: old.supplementalGroupsPolicy ?? 'merge',
    seccomp: old.seccomp ?? { kind: 'runtimeDefault', localhostRef: '' },
    apparmor: old.apparmor ?? { kind: 'runtimeDefault', localhostRef: '' },
    noNewPrivs: old.noNewPrivs ?? false,
    pid: old.pid,
    pidTarget: old.pidTarget ?? '',
  };
}
