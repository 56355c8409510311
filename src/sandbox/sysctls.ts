import { execFile } from '../host/exec.js';
import { internal, invalidArgument, quote } from '../errors.js';

// The sysctls a namespace of the pod's own scopes (runc's and Kubernetes'
// list): anything else would change the whole host.
const NET = /^net\./;
const IPC = /^(kernel\.(shmall|shmmax|shmmni|shm_rmid_forced|msgmax|msgmnb|msgmni|sem)|fs\.mqueue\..+)$/;
const NAME = /^[a-z0-9_]+(\.[a-z0-9_-]+)+$/i;

export type SysctlScope = 'net' | 'ipc';

/**
 * Checks a pod's sysctls: each must be scoped by a namespace the pod has
 * of its own (net.* by its network namespace, the SysV/POSIX IPC ones by
 * its IPC namespace); the kubelet's a/b/c form is taken as a.b.c.
 */
export function checkSysctls(sysctls: Record<string, string>, own: { net: boolean; ipc: boolean }): [string, string, SysctlScope][] {
  const out: [string, string, SysctlScope][] = [];
  for (const [rawName, value] of Object.entries(sysctls)) {
    const name = rawName.includes('/') ? rawName.replaceAll('/', '.') : rawName;
    if (!NAME.test(name)) throw invalidArgument(`sysctl ${quote(rawName)} is not a sysctl name`);
    if (/[\0-\x1f]/.test(value) || Buffer.byteLength(value) > 4096) throw invalidArgument(`sysctl ${quote(rawName)}: value ${quote(value)} is not a single line of at most 4096 bytes`);
    const scope: SysctlScope | undefined = NET.test(name) ? 'net' : IPC.test(name) ? 'ipc' : undefined;
    if (!scope) throw invalidArgument(`sysctl ${quote(rawName)} is not namespaced: a pod may set only net.*, kernel.shm*, kernel.msg*, kernel.sem and fs.mqueue.*`);
    if (!own[scope])
      throw invalidArgument(`sysctl ${quote(rawName)} would change the host: the pod uses the host's ${scope === 'net' ? 'network' : 'IPC'} namespace`);
    out.push([name, value, scope]);
  }
  return out;
}

/**
 * Writes the sysctls inside the pod's pinned namespaces, once for the pod
 * rather than in every container's spec: the namespaces are the pod's, so
 * they hold with no container running, and a value the kernel refuses
 * fails the pod's creation, not its first container. /proc/sys/net and the
 * IPC files show the namespaces of the process reading them, so one
 * `nsenter … sysctl -w` in both does it.
 */
export async function applySysctls(list: [string, string, SysctlScope][], netns: string, ipcns: string): Promise<void> {
  if (!list.length) return;
  const ns = [...(list.some((s) => s[2] === 'net') ? [`--net=${netns}`] : []), ...(list.some((s) => s[2] === 'ipc') ? [`--ipc=${ipcns}`] : [])];
  const r = await execFile('nsenter', [...ns, '--', 'sysctl', '-w', '-q', ...list.map(([k, v]) => `${k}=${v}`)], { timeoutMs: 30_000 });
  if (r.code !== 0) {
    const msg = r.stderr.trim().slice(0, 500) || `exit ${r.code}`;
    // sysctl names a key the kernel does not have, or a value it refuses: the config's fault.
    if (/cannot stat|No such file|Invalid argument|setting key/i.test(msg)) throw invalidArgument(`sysctls: ${msg}`);
    throw internal(`sysctls: ${msg}`);
  }
}
