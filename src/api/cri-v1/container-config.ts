import type { ContainerConfig__Output } from '../gen/v1/runtime/v1/ContainerConfig.js';
import type { ContainerSpec, MountSpec, PidMode, UserSpec } from '../../container/spec.js';
import { invalidArgument, quote, unimplemented } from '../../errors.js';
import {
  absolutePath,
  argList,
  boundedString,
  capabilityList,
  envsArg,
  idArg,
  imageRefArg,
  logPathArg,
  MAX_NAME,
  mountPaths,
  requiredString,
  labelsAndAnnotations,
} from '../validate.js';
import { resourcesSpec } from './resources.js';
import { apparmorProfile, groupList, modeOf, optionalId, seccompProfile } from './security.js';

const PROPAGATION = {
  PROPAGATION_PRIVATE: 'private',
  PROPAGATION_HOST_TO_CONTAINER: 'rslave',
  PROPAGATION_BIDIRECTIONAL: 'rshared',
} as const;

const DEVICE_PERMISSIONS = /^[rwm]{0,3}$/;

function mounts(config: ContainerConfig__Output): MountSpec[] {
  return config.mounts.map((m, i) => {
    const what = `config.mounts[${i}]`;
    if (m.image?.image) throw unimplemented(`${what}: image volumes are not supported`);
    if (m.uidMappings.length || m.gidMappings.length) throw unimplemented(`${what}: id-mapped mounts (user namespaces) are not supported`);
    const readonly = m.readonly ?? false;
    const recursiveReadonly = m.recursive_read_only ?? false;
    const propagation = PROPAGATION[m.propagation ?? 'PROPAGATION_PRIVATE'] as MountSpec['propagation'] | undefined;
    if (!propagation) throw invalidArgument(`${what}.propagation ${quote(String(m.propagation))} is not a mount propagation`);
    // The kubelet's own rule, so that a bad request fails here with its reason.
    if (recursiveReadonly && (!readonly || propagation !== 'private'))
      throw invalidArgument(`${what}: recursive_read_only needs readonly and private propagation`);
    return { ...mountPaths(m, what), readonly, recursiveReadonly, propagation, selinuxRelabel: m.selinux_relabel ?? false };
  });
}

/** The container's PID namespace: undefined follows the pod (no namespace options sent). */
function pidMode(config: ContainerConfig__Output): { pid: PidMode | undefined; pidTarget: string } {
  const ns = config.linux?.security_context?.namespace_options;
  if (!ns) return { pid: undefined, pidTarget: '' };
  const mode = modeOf(ns.pid, 'config.linux.security_context.namespace_options.pid');
  if (mode === 'TARGET') return { pid: 'target', pidTarget: idArg(ns.target_id, 'config.linux.security_context.namespace_options.target_id') };
  return { pid: mode === 'NODE' ? 'node' : mode === 'CONTAINER' ? 'container' : 'pod', pidTarget: '' };
}

function user(config: ContainerConfig__Output): UserSpec | undefined {
  const sc = config.linux?.security_context;
  const what = 'config.linux.security_context';
  const uid = optionalId(sc?.run_as_user ?? undefined, `${what}.run_as_user`);
  const username = boundedString(sc?.run_as_username, `${what}.run_as_username`, 256);
  const gid = optionalId(sc?.run_as_group ?? undefined, `${what}.run_as_group`);
  if (uid !== undefined && username) throw invalidArgument(`${what}: run_as_user and run_as_username are exclusive`);
  if (gid !== undefined && uid === undefined && !username) throw invalidArgument(`${what}.run_as_group needs run_as_user or run_as_username`);
  if (username && /[:\s\0/]/.test(username)) throw invalidArgument(`${what}.run_as_username ${quote(username)} is not a user name`);
  if (uid === undefined && !username) return undefined;
  return username ? { username, gid } : { uid, gid };
}

/** glibc's real-time signal range (the kernel's 32 and 33 are its own). */
const SIGRTMIN = 34;
const SIGRTMAX = 64;

/**
 * v1's stop_signal as the domain takes it: a signal name, or a number for
 * the real-time ones v1 spells SIGRTMINPLUSn / SIGRTMAXMINUSn;
 * RUNTIME_DEFAULT leaves the image's.
 */
function stopSignal(signal: string | number | undefined): string | undefined {
  if (signal === undefined || signal === 'RUNTIME_DEFAULT') return undefined;
  const name = String(signal);
  const rt = /^SIGRT(MIN|MAX)(?:(PLUS|MINUS)(\d+))?$/.exec(name);
  if (rt) return String((rt[1] === 'MIN' ? SIGRTMIN : SIGRTMAX) + (rt[2] === 'PLUS' ? 1 : -1) * Number(rt[3] ?? 0));
  if (!/^SIG[A-Z0-9]+$/.test(name)) throw invalidArgument(`config.stop_signal ${quote(name)} is not a signal`);
  // SIGCLD and SIGPOLL are the same signals as SIGCHLD and SIGIO, under names Node does not know.
  return name === 'SIGCLD' ? 'SIGCHLD' : name === 'SIGPOLL' ? 'SIGIO' : name;
}

/** A v1 ContainerConfig as the domain's ContainerSpec. */
export function containerSpec(config: ContainerConfig__Output | undefined): ContainerSpec {
  if (!config) throw invalidArgument('config is required');
  if (!config.metadata) throw invalidArgument('config.metadata is required');
  if (config.CDI_devices.length) throw unimplemented('config.CDI_devices: CDI devices are not supported');
  const linux = config.linux;
  const sc = linux?.security_context;
  const caps = sc?.capabilities;
  const what = 'config.linux.security_context';
  return {
    name: requiredString(config.metadata.name, 'config.metadata.name', MAX_NAME),
    attempt: config.metadata.attempt ?? 0,
    image: imageRefArg(config.image?.image, 'config.image.image'),
    command: argList(config.command, 'config.command'),
    args: argList(config.args, 'config.args'),
    workingDir: absolutePath(config.working_dir, 'config.working_dir'),
    // KeyValue.value is bytes in v1 (the same on the wire as the seed's string).
    envs: envsArg(
      config.envs.map((kv) => ({ key: kv.key, value: kv.value?.toString('utf8') })),
      'config.envs',
    ),
    mounts: mounts(config),
    devices: config.devices.map((d, i) => {
      const permissions = boundedString(d.permissions, `config.devices[${i}].permissions`, 3);
      if (!DEVICE_PERMISSIONS.test(permissions)) throw invalidArgument(`config.devices[${i}].permissions ${quote(permissions)} is not some of r, w, m`);
      return { ...mountPaths(d, `config.devices[${i}]`), permissions };
    }),
    ...labelsAndAnnotations(config.labels, config.annotations),
    privileged: sc?.privileged ?? false,
    readonlyRootfs: sc?.readonly_rootfs ?? false,
    logPath: logPathArg(config.log_path, 'config.log_path'),
    stdin: config.stdin ?? false,
    stdinOnce: config.stdin_once ?? false,
    tty: config.tty ?? false,
    resources: resourcesSpec(linux?.resources, 'config.linux.resources'),
    capAdd: capabilityList(caps?.add_capabilities, `${what}.capabilities.add_capabilities`),
    capDrop: capabilityList(caps?.drop_capabilities, `${what}.capabilities.drop_capabilities`),
    capAmbient: capabilityList(caps?.add_ambient_capabilities, `${what}.capabilities.add_ambient_capabilities`),
    user: user(config),
    additionalGids: groupList(sc?.supplemental_groups ?? [], `${what}.supplemental_groups`),
    supplementalGroupsPolicy: sc?.supplemental_groups_policy === 'Strict' ? 'strict' : 'merge',
    seccomp: seccompProfile(sc?.seccomp, sc?.seccomp_profile_path, what),
    apparmor: apparmorProfile(sc?.apparmor, sc?.apparmor_profile, what),
    noNewPrivs: sc?.no_new_privs ?? false,
    // An empty list cannot be told from none on the wire: both keep the defaults, as in containerd.
    maskedPaths: sc?.masked_paths.length ? sc.masked_paths.map((p, i) => absolutePath(p, `${what}.masked_paths[${i}]`)) : undefined,
    readonlyPaths: sc?.readonly_paths.length ? sc.readonly_paths.map((p, i) => absolutePath(p, `${what}.readonly_paths[${i}]`)) : undefined,
    ...pidMode(config),
    stopSignal: stopSignal(config.stop_signal),
  };
}
