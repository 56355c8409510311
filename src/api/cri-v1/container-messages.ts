import { constants as osConstants } from 'node:os';
import type { ContainerStatus } from '../gen/v1/runtime/v1/ContainerStatus.js';
import type { Container } from '../gen/v1/runtime/v1/Container.js';
import type { ContainerFilter__Output } from '../gen/v1/runtime/v1/ContainerFilter.js';
import { Signal, type Signal__Output } from '../gen/v1/runtime/v1/Signal.js';
import type { ContainerRecord } from '../../store/container-store.js';
import type { ContainerFilter } from '../../container/containers.js';
import { idFilter, stringMap } from '../validate.js';
import { bundleUser } from '../../container/bundle-user.js';
import { toV1Resources } from './resources.js';

const PROPAGATION = { private: 'PROPAGATION_PRIVATE', rslave: 'PROPAGATION_HOST_TO_CONTAINER', rshared: 'PROPAGATION_BIDIRECTIONAL' } as const;

const STATES = {
  creating: 'CONTAINER_UNKNOWN',
  CREATED: 'CONTAINER_CREATED',
  RUNNING: 'CONTAINER_RUNNING',
  EXITED: 'CONTAINER_EXITED',
} as const;

const STATE_FILTER = { CONTAINER_CREATED: 'CREATED', CONTAINER_RUNNING: 'RUNNING', CONTAINER_EXITED: 'EXITED' } as const;

/** The image reference a kubelet shows as a pod's imageID: a repo digest, else the image id. */
export type ImageRefOf = (imageId: string) => string;

/** The stop signal as v1 names it; berth keeps a name (SIGTERM) or a number (an image's, or a real-time one). */
function stopSignal(signal: string): Signal__Output | undefined {
  const n = /^\d+$/.test(signal) ? Number(signal) : undefined;
  const rt = n === undefined ? undefined : n === 34 ? 'SIGRTMIN' : n === 64 ? 'SIGRTMAX' : n > 34 && n < 50 ? `SIGRTMINPLUS${n - 34}` : n >= 50 && n < 64 ? `SIGRTMAXMINUS${64 - n}` : undefined;
  const name = n === undefined ? signal : (rt ?? Object.entries(osConstants.signals).find(([, v]) => v === n)?.[0]);
  return name && name in Signal ? (name as Signal__Output) : undefined;
}

/** The seed records a failed start as "StartError: why"; v1 has a field for the why. */
function reasonAndMessage(reason: string): { reason: string; message: string } {
  const m = /^(StartError): (.*)$/s.exec(reason);
  return m ? { reason: m[1], message: m[2] } : { reason, message: '' };
}

export function toV1ContainerStatus(c: ContainerRecord, imageRefOf: ImageRefOf): ContainerStatus {
  const user = bundleUser(c.bundle);
  return {
    id: c.id,
    metadata: { name: c.spec.name, attempt: c.spec.attempt },
    state: STATES[c.state],
    created_at: c.createdAt,
    started_at: c.startedAt,
    finished_at: c.finishedAt,
    exit_code: c.exitCode,
    image: { image: c.image, user_specified_image: c.image },
    image_ref: imageRefOf(c.imageId),
    image_id: c.imageId,
    ...reasonAndMessage(c.reason),
    labels: c.spec.labels,
    annotations: c.spec.annotations,
    mounts: c.spec.mounts.map((m) => ({
      container_path: m.containerPath,
      host_path: m.hostPath,
      readonly: m.readonly,
      recursive_read_only: m.recursiveReadonly,
      selinux_relabel: m.selinuxRelabel,
      propagation: PROPAGATION[m.propagation],
    })),
    log_path: c.logPath,
    resources: { linux: toV1Resources(c.spec.resources) },
    stop_signal: stopSignal(c.stopSignal),
    user: user ? { linux: { uid: user.uid, gid: user.gid, supplemental_groups: user.additionalGids } } : undefined,
  };
}

/** What a verbose ContainerStatus adds, as JSON the way crictl prints it. */
export function containerInfo(c: ContainerRecord): Record<string, string> {
  return {
    info: JSON.stringify({
      sandboxID: c.sandboxId,
      pid: c.state === 'RUNNING' ? c.pid : 0,
      bundle: c.bundle,
      layers: c.layers,
      stopSignal: c.stopSignal,
      config: c.spec,
    }),
  };
}

export function toV1Container(c: ContainerRecord, imageRefOf: ImageRefOf): Container {
  return {
    id: c.id,
    pod_sandbox_id: c.sandboxId,
    metadata: { name: c.spec.name, attempt: c.spec.attempt },
    image: { image: c.image, user_specified_image: c.image },
    image_ref: imageRefOf(c.imageId),
    image_id: c.imageId,
    state: STATES[c.state],
    created_at: c.createdAt,
    labels: c.spec.labels,
    annotations: c.spec.annotations,
  };
}

/** null: a filter nothing listed can match (state UNKNOWN: only a create in progress is, and lists skip those). */
export function v1ContainerFilter(f: ContainerFilter__Output | undefined): ContainerFilter | null {
  if (!f) return {};
  // A state wrapper sent with the enum at its zero value means CREATED.
  const st = f.state ? (f.state.state ?? 'CONTAINER_CREATED') : undefined;
  if (st === 'CONTAINER_UNKNOWN') return null;
  return {
    id: idFilter(f.id),
    state: st ? STATE_FILTER[st] : undefined,
    sandboxId: idFilter(f.pod_sandbox_id),
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
