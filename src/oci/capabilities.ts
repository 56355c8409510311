import { readFileSync } from 'node:fs';
import { invalidArgument, quote } from '../errors.js';

/** Linux capabilities by number (capability.h). */
export const ALL_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST', 'CAP_NET_ADMIN',
  'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP',
  'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ',
  'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
] as const;

/** The set containerd and Docker give a container that is not privileged. */
export const DEFAULT_CAPABILITIES = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID', 'CAP_SETUID',
  'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

let bounding: string[] | undefined;

/**
 * The capabilities berthd itself may hand out: its bounding set. "ALL" and
 * privileged mean these, since asking runc for more fails the container.
 */
export function hostCapabilities(): string[] {
  if (!bounding) {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    const mask = BigInt(`0x${m?.[1] ?? '0'}`);
    bounding = ALL_CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n);
  }
  return bounding;
}

/** `NET_ADMIN`, `net_admin` or `CAP_NET_ADMIN` → `CAP_NET_ADMIN`; ALL stays ALL. */
export function normaliseCapability(name: string, what: string): string {
  const upper = name.toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!(ALL_CAPABILITIES as readonly string[]).includes(full)) throw invalidArgument(`${what}: unknown capability ${quote(name)}`);
  return full;
}

/** Default set, plus `add`, minus `drop`, as the kubelet means them; limited to what the host allows. */
export function effectiveCapabilities(add: string[], drop: string[], privileged: boolean): string[] {
  const host = hostCapabilities();
  if (privileged) return host;
  let set = new Set<string>(add.includes('ALL') ? host : DEFAULT_CAPABILITIES);
  for (const c of add) if (c !== 'ALL') set.add(c);
  if (drop.includes('ALL')) set = new Set(add.filter((c) => c !== 'ALL'));
  for (const c of drop) set.delete(c);
  return [...set].filter((c) => host.includes(c));
}
