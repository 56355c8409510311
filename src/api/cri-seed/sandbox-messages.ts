import type { PodSandboxStatus } from '../gen/runtime/PodSandboxStatus.js';
import type { PodSandbox } from '../gen/runtime/PodSandbox.js';
import type { PodSandboxFilter__Output } from '../gen/runtime/PodSandboxFilter.js';
import type { SandboxRecord } from '../../store/sandbox-store.js';
import type { SandboxFilter } from '../../sandbox/sandboxes.js';
import type { PodSandboxConfig__Output } from '../gen/runtime/PodSandboxConfig.js';
import { SEED_SANDBOX_SECURITY, type SandboxSpec } from '../../sandbox/spec.js';
import { invalidArgument } from '../../errors.js';
import {
  podIdentity,
  boundedString,
  cgroupParentArg,
  dnsSearches,
  dnsServers,
  idFilter,
  MAX_NAME,
  portMappings,
  labelsAndAnnotations, stringMap,
} from '../validate.js';

export function sandboxSpec(config: PodSandboxConfig__Output | undefined): SandboxSpec {
  if (!config) throw invalidArgument('config is required');
  const identity = podIdentity(config);
  const dns = config.dns_options;
  const ns = config.linux?.namespace_options;
  return {
    ...identity,
    dns: dns
      ? {
          servers: dnsServers(dns.servers, 'config.dns_options.servers'),
          searches: dnsSearches(dns.searches, 'config.dns_options.searches'),
          options: [],
        }
      : null,
    portMappings: portMappings(
      config.port_mappings,
      config.port_mappings.map((p) => p.protocol ?? 'TCP'),
      'config.port_mappings',
    ),
    ...labelsAndAnnotations(config.labels, config.annotations),
    cgroupParent: cgroupParentArg(config.linux?.cgroup_parent, 'linux.cgroup_parent'),
    runtimeHandler: '',
    sysctls: {},
    hostNetwork: ns?.host_network ?? false,
    hostPid: ns?.host_pid ?? false,
    podPid: false,
    hostIpc: ns?.host_ipc ?? false,
    userns: 'node',
    security: SEED_SANDBOX_SECURITY,
    overhead: undefined,
    resources: undefined,
  };
}

function metadata(s: SandboxRecord) {
  return { name: s.spec.name, uid: s.spec.uid, namespace: s.spec.namespace, attempt: s.spec.attempt };
}

export function toSandboxStatus(s: SandboxRecord): PodSandboxStatus {
  return {
    id: s.id,
    metadata: metadata(s),
    state: s.state === 'READY' ? 'READY' : 'NOTREADY',
    created_at: s.createdAt,
    network: { ip: s.ip },
    linux: {
      namespaces: {
        network: s.netns,
        options: { host_network: s.spec.hostNetwork, host_pid: s.spec.hostPid, host_ipc: s.spec.hostIpc },
      },
    },
    labels: s.spec.labels,
    annotations: s.spec.annotations,
  };
}

export function toPodSandbox(s: SandboxRecord): PodSandbox {
  return {
    id: s.id,
    metadata: metadata(s),
    state: s.state === 'READY' ? 'READY' : 'NOTREADY',
    created_at: s.createdAt,
    labels: s.spec.labels,
  };
}

export function sandboxFilter(f: PodSandboxFilter__Output | undefined): SandboxFilter {
  if (!f) return {};
  return {
    id: idFilter(f.id),
    name: boundedString(f.name, 'filter.name', MAX_NAME) || undefined,
    // proto2 enums default to their first value; only a set field filters.
    state: f.state === 'READY' || f.state === 'NOTREADY' ? f.state : undefined,
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
