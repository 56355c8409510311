import type { PodSandboxStatus } from '../gen/v1/runtime/v1/PodSandboxStatus.js';
import type { PodSandbox } from '../gen/v1/runtime/v1/PodSandbox.js';
import type { PodSandboxFilter__Output } from '../gen/v1/runtime/v1/PodSandboxFilter.js';
import type { NamespaceOption } from '../gen/v1/runtime/v1/NamespaceOption.js';
import type { SandboxRecord } from '../../store/sandbox-store.js';
import type { SandboxFilter } from '../../sandbox/sandboxes.js';
import { podIps } from '../../network/cni.js';
import { idFilter, stringMap } from '../validate.js';

function metadata(s: SandboxRecord) {
  return { name: s.spec.name, uid: s.spec.uid, namespace: s.spec.namespace, attempt: s.spec.attempt };
}

const state = (s: SandboxRecord) => (s.state === 'READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY');

function namespaceOptions(s: SandboxRecord): NamespaceOption {
  const spec = s.spec;
  return {
    network: spec.hostNetwork ? 'NODE' : 'POD',
    pid: spec.hostPid ? 'NODE' : spec.podPid ? 'POD' : 'CONTAINER',
    ipc: spec.hostIpc ? 'NODE' : 'POD',
    userns_options: { mode: spec.userns === 'pod' ? 'POD' : 'NODE' },
  };
}

export function toV1SandboxStatus(s: SandboxRecord): PodSandboxStatus {
  const [ip = '', ...more] = podIps(s.network, s.ip);
  return {
    id: s.id,
    metadata: metadata(s),
    state: state(s),
    created_at: s.createdAt,
    network: { ip, additional_ips: more.map((a) => ({ ip: a })) },
    linux: { namespaces: { options: namespaceOptions(s) } },
    labels: s.spec.labels,
    annotations: s.spec.annotations,
    runtime_handler: s.spec.runtimeHandler,
  };
}

/** What a verbose PodSandboxStatus adds, as JSON the way crictl prints it. */
export function sandboxInfo(s: SandboxRecord): Record<string, string> {
  return {
    info: JSON.stringify({
      id: s.id,
      state: s.state,
      hostname: s.hostname,
      netns: s.netns,
      ips: podIps(s.network, s.ip),
      cniNetwork: s.network?.conflist.name ?? '',
      cniResult: s.network?.result ?? null,
      pendingNetworkRelease: s.pendingDel ?? false,
      config: s.spec,
    }),
  };
}

export function toV1PodSandbox(s: SandboxRecord): PodSandbox {
  return {
    id: s.id,
    metadata: metadata(s),
    state: state(s),
    created_at: s.createdAt,
    labels: s.spec.labels,
    annotations: s.spec.annotations,
    runtime_handler: s.spec.runtimeHandler,
  };
}

export function v1SandboxFilter(f: PodSandboxFilter__Output | undefined): SandboxFilter {
  if (!f) return {};
  return {
    id: idFilter(f.id),
    // A state wrapper sent with the enum at its zero value means READY.
    state: f.state ? (f.state.state === 'SANDBOX_NOTREADY' ? 'NOTREADY' : 'READY') : undefined,
    labels: stringMap(f.label_selector, 'filter.label_selector'),
  };
}
