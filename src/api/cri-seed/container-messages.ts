import type { ContainerConfig__Output } from '../gen/runtime/ContainerConfig.js';
import type { ContainerStatus } from '../gen/runtime/ContainerStatus.js';
import type { Container } from '../gen/runtime/Container.js';
import type { ContainerFilter__Output } from '../gen/runtime/ContainerFilter.js';
import type { ContainerSpec } from '../../container/spec.js';
import type { ContainerRecord } from '../../store/container-store.js';
import type { ContainerFilter } from '../../container/containers.js';
import { invalidArgument, quote } from '../../errors.js';
import { normaliseCapability } from '../../oci/capabilities.js';
import { absolutePath, boundedString, idArg, imageRefArg, MAX_NAME, requiredString, stringMap } from '../validate.js';

const MAX_ARG = 128 * 1024;

function int64(value: string | number | undefined, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw invalidArgument(`${what} ${quote(String(value))} is outside ${min}..${max}`);
  return n;
}

function strings(list: string[], what: string): string[] {
  for (const s of list) if (Buffer.byteLength(s) > MAX_ARG) throw invalidArgument(`${what}: an entry is longer than ${MAX_ARG} bytes`);
  return list;
}

/** A log_path stays inside the log directory: relative, without `..`. */
function logPath(value: string | undefined): string {
  const p = boundedString(value, 'config.log_path', 4096);
  if (!p) return '';
  if (p.startsWith('/') || p.split('/').includes('..') || p.includes('\0'))
    throw invalidArgument(`config.log_path ${quote(p)} must be relative to the log directory, without ..`);
  return p;
}

export function containerSpec(config: ContainerConfig__Output | undefined): ContainerSpec {
  if (!config) throw invalidArgument('config is required');
  if (!config.metadata) throw invalidArgument('config.metadata is required');
  const name = requiredString(config.metadata.name, 'config.metadata.name', MAX_NAME);
  const linux = config.linux;
  const r = linux?.resources;
  const envs = config.envs.map((kv, i): [string, string] => {
    const k = kv.key ?? '';
    if (!k || k.includes('=') || k.includes('\0')) throw invalidArgument(`config.envs[${i}].key ${quote(k)} is not a variable name`);
    return [k, boundedString(kv.value, `config.envs[${i}].value`, MAX_ARG)];
  });
  const mounts = config.mounts.map((m, i) => {
    const containerPath = absolutePath(m.container_path, `config.mounts[${i}].container_path`);
    const hostPath = absolutePath(m.host_path, `config.mounts[${i}].host_path`);
    if (!containerPath) throw invalidArgument(`config.mounts[${i}].container_path is required and must be absolute`);
    if (!hostPath) throw invalidArgument(`config.mounts[${i}].host_path is required and must be absolute`);
    return {
      containerPath,
      hostPath,
      readonly: m.readonly ?? false,
      recursiveReadonly: false,
      propagation: 'private' as const,
      selinuxRelabel: m.selinux_relabel ?? false,
    };
  });
  const caps = linux?.capabilities;
  const user = linux?.user;
  const uid = user?.uid !== undefined ? int64(user.uid, 'config.linux.user.uid', 0, 0xffffffff) : undefined;
  const gid = user?.gid !== undefined ? int64(user.gid, 'config.linux.user.gid', 0, 0xffffffff) : undefined;
  const additionalGids = (user?.additional_gids ?? []).map((g, i) => int64(g, `config.linux.user.additional_gids[${i}]`, 0, 0xffffffff));
  return {
    name,
    attempt: config.metadata.attempt ?? 0,
    image: imageRefArg(config.image?.image, 'config.image.image'),
    command: strings(config.command, 'config.command'),
    args: strings(config.args, 'config.args'),
    workingDir: absolutePath(config.working_dir, 'config.working_dir'),
    envs,
    mounts,
    devices: [],
    labels: stringMap(config.labels, 'config.labels'),
    annotations: stringMap(config.annotations, 'config.annotations'),
    privileged: config.privileged ?? false,
    readonlyRootfs: config.readonly_rootfs ?? false,
    logPath: logPath(config.log_path),
    stdin: config.stdin ?? false,
    stdinOnce: config.stdin_once ?? false,
    tty: config.tty ?? false,
    resources: {
      cpuPeriod: int64(r?.cpu_period, 'config.linux.resources.cpu_period', 0),
      cpuQuota: int64(r?.cpu_quota, 'config.linux.resources.cpu_quota', -1),
      cpuShares: int64(r?.cpu_shares, 'config.linux.resources.cpu_shares', 0),
      memoryLimit: int64(r?.memory_limit_in_bytes, 'config.linux.resources.memory_limit_in_bytes', 0),
      oomScoreAdj: r?.oom_score_adj !== undefined ? int64(r.oom_score_adj, 'config.linux.resources.oom_score_adj', -1000, 1000) : undefined,
      memorySwapLimit: 0,
      cpusetCpus: '',
      cpusetMems: '',
      hugepageLimits: [],
      unified: {},
    },
    capAdd: (caps?.add_capabilities ?? []).map((c, i) => normaliseCapability(c, `config.linux.capabilities.add_capabilities[${i}]`)),
    capDrop: (caps?.drop_capabilities ?? []).map((c, i) => normaliseCapability(c, `config.linux.capabilities.drop_capabilities[${i}]`)),
    capAmbient: [],
    user: uid !== undefined ? { uid, gid } : undefined,
    additionalGids,
    supplementalGroupsPolicy: 'merge',
    // CONTRACT.md: the seed's non-privileged containers get the default profile and /proc masks.
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
    id: f.id ? idArg(f.id, 'filter.id') : undefined,
    name: boundedString(f.name, 'filter.name', MAX_NAME) || undefined,
    state: st === 'CREATED' || st === 'RUNNING' || st === 'EXITED' ? st : undefined,
    sandboxId: f.pod_sandbox_id ? idArg(f.pod_sandbox_id, 'filter.pod_sandbox_id') : undefined,
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
