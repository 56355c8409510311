import type { ContainerConfig__Output } from '../gen/runtime/ContainerConfig.js';
import type { ContainerStatus } from '../gen/runtime/ContainerStatus.js';
import type { Container } from '../gen/runtime/Container.js';
import type { ContainerFilter__Output } from '../gen/runtime/ContainerFilter.js';
import type { ContainerSpec } from '../../container/spec.js';
import type { ContainerRecord } from '../../store/container-store.js';
import type { ContainerFilter } from '../../container/containers.js';
import { invalidArgument } from '../../errors.js';
import { NO_RESOURCES } from '../../container/spec.js';
import {
  absolutePath,
  argList,
  boundedString,
  capabilityList,
  commonResources,
  envsArg,
  idFilter,
  imageRefArg,
  logPathArg,
  MAX_NAME,
  mountPaths,
  requiredString,
  labelsAndAnnotations, stringMap,
  uidArg,
} from '../validate.js';

export function containerSpec(config: ContainerConfig__Output | undefined): ContainerSpec {
  if (!config) throw invalidArgument('config is required');
  if (!config.metadata) throw invalidArgument('config.metadata is required');
  const name = requiredString(config.metadata.name, 'config.metadata.name', MAX_NAME);
  const linux = config.linux;
  const mounts = config.mounts.map((m, i) => ({
    ...mountPaths(m, `config.mounts[${i}]`),
    readonly: m.readonly ?? false,
    recursiveReadonly: false,
    propagation: 'private' as const,
    selinuxRelabel: m.selinux_relabel ?? false,
  }));
  const caps = linux?.capabilities;
  const user = linux?.user;
  const uid = user?.uid !== undefined ? uidArg(user.uid, 'config.linux.user.uid') : undefined;
  const gid = user?.gid !== undefined ? uidArg(user.gid, 'config.linux.user.gid') : undefined;
  const additionalGids = (user?.additional_gids ?? []).map((g, i) => uidArg(g, `config.linux.user.additional_gids[${i}]`));
  return {
    name,
    attempt: config.metadata.attempt ?? 0,
    image: imageRefArg(config.image?.image, 'config.image.image'),
    command: argList(config.command, 'config.command'),
    args: argList(config.args, 'config.args'),
    workingDir: absolutePath(config.working_dir, 'config.working_dir'),
    envs: envsArg(config.envs, 'config.envs'),
    mounts,
    devices: [],
    ...labelsAndAnnotations(config.labels, config.annotations),
    privileged: config.privileged ?? false,
    readonlyRootfs: config.readonly_rootfs ?? false,
    logPath: logPathArg(config.log_path, 'config.log_path'),
    stdin: config.stdin ?? false,
    stdinOnce: config.stdin_once ?? false,
    tty: config.tty ?? false,
    resources: { ...NO_RESOURCES, ...commonResources(linux?.resources, 'config.linux.resources') },
    capAdd: capabilityList(caps?.add_capabilities, 'config.linux.capabilities.add_capabilities'),
    capDrop: capabilityList(caps?.drop_capabilities, 'config.linux.capabilities.drop_capabilities'),
    capAmbient: [],
    user: uid !== undefined ? { uid, gid } : undefined,
    additionalGids,
    // The seed has no fields for these: Docker's defaults, as before v1.
    supplementalGroupsPolicy: 'merge',
    seccomp: { kind: 'runtimeDefault', localhostRef: '' },
    apparmor: { kind: 'runtimeDefault', localhostRef: '' },
    noNewPrivs: false,
    maskedPaths: undefined,
    readonlyPaths: undefined,
    pid: undefined,
    pidTarget: '',
  };
}

const mountsOf = (c: ContainerRecord) =>
  c.spec.mounts.map((m) => ({ container_path: m.containerPath, host_path: m.hostPath, readonly: m.readonly, selinux_relabel: m.selinuxRelabel }));

function state(c: ContainerRecord): 'CREATED' | 'RUNNING' | 'EXITED' | 'UNKNOWN' {
  return c.state === 'creating' ? 'UNKNOWN' : c.state;
}

export function toContainerStatus(c: ContainerRecord): ContainerStatus {
  return {
    id: c.id,
    metadata: { name: c.spec.name, attempt: c.spec.attempt },
    state: state(c),
    created_at: c.createdAt,
    started_at: c.startedAt,
    finished_at: c.finishedAt,
    exit_code: c.exitCode,
    image: { image: c.image },
    image_ref: c.imageId,
    reason: c.reason,
    labels: c.spec.labels,
    annotations: c.spec.annotations,
    mounts: mountsOf(c),
  };
}

export function toContainer(c: ContainerRecord): Container & { pod_sandbox_id?: string } {
  return {
    id: c.id,
    metadata: { name: c.spec.name, attempt: c.spec.attempt },
    image: { image: c.image },
    image_ref: c.imageId,
    state: state(c),
    labels: c.spec.labels,
    annotations: c.spec.annotations,
  };
}

export function containerFilter(f: ContainerFilter__Output | undefined): ContainerFilter {
  if (!f) return {};
  const st = f.state;
  return {
    id: idFilter(f.id),
    name: boundedString(f.name, 'filter.name', MAX_NAME) || undefined,
    state: st === 'CREATED' || st === 'RUNNING' || st === 'EXITED' ? st : undefined,
    sandboxId: idFilter(f.pod_sandbox_id),
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
