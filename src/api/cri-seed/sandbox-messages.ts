import type { PodSandboxStatus } from '../gen/runtime/PodSandboxStatus.js';
import type { PodSandbox } from '../gen/runtime/PodSandbox.js';
import type { PodSandboxFilter__Output } from '../gen/runtime/PodSandboxFilter.js';
import type { SandboxRecord } from '../../store/sandbox-store.js';
import type { SandboxFilter } from '../../sandbox/sandboxes.js';
import { idArg, stringMap, boundedString, MAX_NAME } from '../validate.js';

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
    id: f.id ? idArg(f.id, 'filter.id') : undefined,
    name: boundedString(f.name, 'filter.name', MAX_NAME) || undefined,
    // proto2 enums default to their first value; only a set field filters.
    state: f.state === 'READY' || f.state === 'NOTREADY' ? f.state : undefined,
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
