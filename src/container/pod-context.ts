import { statSync } from 'node:fs';
import { join } from 'node:path';
import { failedPrecondition, invalidArgument, notFound, quote } from '../errors.js';
import type { PodContext, PidNamespace } from '../oci/spec.js';
import { hostCapabilities } from '../oci/capabilities.js';
import { namespacePath } from '../sandbox/namespaces.js';
import { HOSTNAME, HOSTS, RESOLV } from '../sandbox/files.js';
import type { SandboxRecord } from '../store/sandbox-store.js';
import type { ContainerRecord } from '../store/container-store.js';
import type { ContainerSpec } from './spec.js';

export interface PodLookups {
  /** The pod's shared PID namespace (pid POD), as a path to join. */
  podPidNamespace(sandboxId: string): Promise<string>;
  findContainer(idOrPrefix: string): ContainerRecord | undefined;
}

function sameNamespace(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/**
 * The PID namespace a container gets. Unset, it follows the pod (what the
 * seed means); set, it must agree with what the pod was made for, since
 * host and pod-wide PID namespaces are pod-level decisions.
 */
async function pidNamespace(sandbox: SandboxRecord, spec: ContainerSpec, look: PodLookups): Promise<PidNamespace> {
  const pod = sandbox.spec;
  const mode = spec.pid ?? (pod.hostPid ? 'node' : pod.podPid ? 'pod' : 'container');
  switch (mode) {
    case 'container':
      return { kind: 'new' };
    case 'node':
      if (!pod.hostPid) throw invalidArgument('pid namespace NODE needs a pod whose pid namespace is NODE');
      return { kind: 'host' };
    case 'pod':
      if (!pod.podPid) throw invalidArgument('pid namespace POD needs a pod whose pid namespace is POD');
      return { kind: 'join', path: await look.podPidNamespace(sandbox.id) };
    case 'target': {
      if (!spec.pidTarget) throw invalidArgument('pid namespace TARGET needs a target_id');
      const target = look.findContainer(spec.pidTarget);
      if (!target || target.sandboxId !== sandbox.id)
        throw notFound(`pid target container ${quote(spec.pidTarget)} is not a container of pod ${sandbox.id}`);
      if (target.state !== 'RUNNING' || !(target.pid > 0))
        throw failedPrecondition(`pid target container ${target.id} is ${target.state}, not RUNNING`);
      const path = `/proc/${target.pid}/ns/pid`;
      // A container of a pod without host PID never reaches the host's namespace through another.
      if (!pod.hostPid && sameNamespace(path, '/proc/1/ns/pid'))
        throw failedPrecondition(`pid target container ${target.id} is in the host's PID namespace`);
      return { kind: 'join', path };
    }
  }
}

/** The pod's namespaces and files as a container of it joins them. */
export async function podContext(sandbox: SandboxRecord, sandboxDir: string, spec: ContainerSpec, look: PodLookups): Promise<PodContext> {
  if (spec.privileged && !sandbox.spec.security.privileged)
    throw invalidArgument(`container ${quote(spec.name)} is privileged, but its pod ${sandbox.id} is not: a privileged container needs a privileged pod`);
  return {
    netns: sandbox.spec.hostNetwork ? '' : namespacePath(sandboxDir, 'net'),
    utsns: sandbox.spec.hostNetwork ? '' : namespacePath(sandboxDir, 'uts'),
    ipcns: sandbox.spec.hostIpc ? '' : namespacePath(sandboxDir, 'ipc'),
    pid: await pidNamespace(sandbox, spec, look),
    files: { hosts: join(sandboxDir, HOSTS), resolv: join(sandboxDir, RESOLV), hostname: join(sandboxDir, HOSTNAME) },
  };
}

/** Ambient capabilities as asked, less the dropped ones, limited to what the host allows. */
export function ambientCapabilities(spec: ContainerSpec): string[] {
  const host = hostCapabilities();
  return spec.capAmbient.filter((c) => c !== 'ALL' && !spec.capDrop.includes(c) && host.includes(c));
}
