import type { RunPodSandboxRequest__Output } from '../gen/v1/runtime/v1/RunPodSandboxRequest.js';
import type { SandboxSpec } from '../../sandbox/spec.js';
import { invalidArgument, quote, unimplemented } from '../../errors.js';
import {
  podIdentity,
  boundedString,
  cgroupParentArg,
  dnsSearches,
  dnsServers,
  MAX_NAME,
  portMappings,
  labelsAndAnnotations, stringMap,
} from '../validate.js';
import { resourcesSpec } from './resources.js';
import { apparmorProfile, groupList, modeOf, optionalId, seccompProfile } from './security.js';

const DNS_OPTION = /^[A-Za-z0-9_.:-]+$/;

/** A v1 RunPodSandboxRequest as the domain's SandboxSpec. */
export function sandboxSpec(req: RunPodSandboxRequest__Output): SandboxSpec {
  const config = req.config;
  if (!config) throw invalidArgument('config is required');
  const identity = podIdentity(config);
  const dns = config.dns_config;
  const linux = config.linux;
  const sc = linux?.security_context;
  const ns = sc?.namespace_options;
  // The CRI default is POD, also with no namespace options at all (the
  // kubelet always sends CONTAINER explicitly for pods that do not share).
  const pid = modeOf(ns?.pid, 'config.linux.security_context.namespace_options.pid');
  if (pid === 'TARGET') throw invalidArgument('config.linux.security_context.namespace_options.pid: TARGET is for containers, not pods');
  const userns = ns?.userns_options;
  const usernsMode = userns ? modeOf(userns.mode, 'config.linux.security_context.namespace_options.userns_options.mode') : 'NODE';
  if (usernsMode !== 'NODE' && usernsMode !== 'POD')
    throw invalidArgument(`config.linux.security_context.namespace_options.userns_options.mode ${usernsMode} is not NODE or POD`);
  const runAsUser = optionalId(sc?.run_as_user ?? undefined, 'config.linux.security_context.run_as_user');
  const runAsGroup = optionalId(sc?.run_as_group ?? undefined, 'config.linux.security_context.run_as_group');
  if (runAsGroup !== undefined && runAsUser === undefined)
    throw invalidArgument('config.linux.security_context.run_as_group needs run_as_user');
  const protocols = config.port_mappings.map((p, i) => {
    const proto = p.protocol ?? 'TCP';
    if (proto === 'SCTP') throw unimplemented(`config.port_mappings[${i}]: SCTP port mappings are not supported`);
    return proto;
  });
  return {
    ...identity,
    dns: dns
      ? {
          servers: dnsServers(dns.servers, 'config.dns_config.servers'),
          searches: dnsSearches(dns.searches, 'config.dns_config.searches'),
          options: dns.options.map((o, i) => {
            if (!DNS_OPTION.test(o) || o.length > 255) throw invalidArgument(`config.dns_config.options[${i}] ${quote(o)} is not a resolver option`);
            return o;
          }),
        }
      : null,
    portMappings: portMappings(config.port_mappings, protocols, 'config.port_mappings'),
    ...labelsAndAnnotations(config.labels, config.annotations),
    cgroupParent: cgroupParentArg(linux?.cgroup_parent, 'config.linux.cgroup_parent'),
    runtimeHandler: boundedString(req.runtime_handler, 'runtime_handler', MAX_NAME),
    sysctls: stringMap(linux?.sysctls, 'config.linux.sysctls'),
    hostNetwork: modeOf(ns?.network, 'config.linux.security_context.namespace_options.network') === 'NODE',
    hostPid: pid === 'NODE',
    podPid: pid === 'POD',
    hostIpc: modeOf(ns?.ipc, 'config.linux.security_context.namespace_options.ipc') === 'NODE',
    userns: usernsMode === 'POD' ? 'pod' : 'node',
    security: {
      privileged: sc?.privileged ?? false,
      readonlyRootfs: sc?.readonly_rootfs ?? false,
      runAsUser,
      runAsGroup,
      supplementalGroups: groupList(sc?.supplemental_groups ?? [], 'config.linux.security_context.supplemental_groups'),
      supplementalGroupsPolicy: sc?.supplemental_groups_policy === 'Strict' ? 'strict' : 'merge',
      seccomp: seccompProfile(sc?.seccomp, sc?.seccomp_profile_path, 'config.linux.security_context'),
      apparmor: apparmorProfile(sc?.apparmor, undefined, 'config.linux.security_context'),
    },
    overhead: linux?.overhead ? resourcesSpec(linux.overhead, 'config.linux.overhead') : undefined,
    resources: linux?.resources ? resourcesSpec(linux.resources, 'config.linux.resources') : undefined,
  };
}
