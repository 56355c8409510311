import type { PortMapping } from '../network/cni.js';
import type { ResourcesSpec, SecurityProfileSpec } from '../container/spec.js';

/** A validated PodSandboxConfig, as the domain code takes it. */
export interface SandboxSpec {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  hostname: string;
  logDirectory: string;
  /** null: the host's /etc/resolv.conf. */
  dns: { servers: string[]; searches: string[]; options: string[] } | null;
  /** Only mappings with a host port; hostIP '' is every address. */
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  cgroupParent: string;
  /** '' is the default runtime; another name must be in the config's runtime_handlers. */
  runtimeHandler: string;
  /** Namespaced sysctls, set in the pod's network and IPC namespaces at create; others are refused. */
  sysctls: Record<string, string>;
  /** Network (and UTS) namespace of the host: v1 network NODE. */
  hostNetwork: boolean;
  /** v1 pid NODE. */
  hostPid: boolean;
  /** v1 pid POD: one PID namespace for the whole pod, held by a process berth starts. Excludes hostPid. */
  podPid: boolean;
  /** v1 ipc NODE. */
  hostIpc: boolean;
  /** v1 userns_options mode: only 'node' (no user namespace) is supported; 'pod' is refused. */
  userns: 'node' | 'pod';
  security: SandboxSecuritySpec;
  /** The pod cgroup's limits (v1 resources, plus overhead): applied to cgroup_parent when berth may. */
  overhead: ResourcesSpec | undefined;
  resources: ResourcesSpec | undefined;
}

/** Applies to the pod's own process (the PID namespace holder), and says what its containers may be. */
export interface SandboxSecuritySpec {
  /** A privileged container needs a privileged sandbox. */
  privileged: boolean;
  readonlyRootfs: boolean;
  runAsUser: number | undefined;
  runAsGroup: number | undefined;
  supplementalGroups: number[];
  supplementalGroupsPolicy: 'merge' | 'strict';
  seccomp: SecurityProfileSpec;
  apparmor: SecurityProfileSpec;
}

/**
 * The seed API has no sandbox security context: its pods may hold
 * privileged containers, and the pod's own settings are the defaults.
 */
export const SEED_SANDBOX_SECURITY: SandboxSecuritySpec = {
  privileged: true,
  readonlyRootfs: false,
  runAsUser: undefined,
  runAsGroup: undefined,
  supplementalGroups: [],
  supplementalGroupsPolicy: 'merge',
  seccomp: { kind: 'unconfined', localhostRef: '' },
  apparmor: { kind: 'unconfined', localhostRef: '' },
};

/** Values that keep what berth did before these fields existed (and what the seed API means). */
export function withSandboxDefaults(s: SandboxSpec): SandboxSpec {
  const old = s as Partial<SandboxSpec>;
  return {
    ...s,
    dns: old.dns ? { ...old.dns, options: old.dns.options ?? [] } : null,
    runtimeHandler: old.runtimeHandler ?? '',
    sysctls: old.sysctls ?? {},
    podPid: old.podPid ?? false,
    userns: old.userns ?? 'node',
    security: old.security ?? SEED_SANDBOX_SECURITY,
    overhead: old.overhead,
    resources: old.resources,
  };
}
