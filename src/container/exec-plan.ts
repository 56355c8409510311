/**
 * What `runc exec` (1.1) would apply to a new process in a container, from
 * the two files it reads: its own state.json of the container and the
 * process spec berth gives it. Turned into berth-nsexec's arguments
 * (native/nsexec.c), or a reason to leave the exec to runc.
 */

/** The parts of runc's state.json (libcontainer State) an exec uses. */
export interface RuncState {
  init_process_pid?: number;
  rootless?: boolean;
  cgroup_paths?: Record<string, string>;
  intel_rdt_path?: string;
  config?: {
    namespaces?: { type?: string; path?: string }[];
    seccomp?: { listener_path?: string } | null;
    no_new_keyring?: boolean;
    oom_score_adj?: number;
    rootless_euid?: boolean;
    uid_mappings?: unknown[] | null;
    intel_rdt?: unknown;
  };
}

export type ProcessSpec = Record<string, unknown>;

const NAMESPACE_FLAGS: Record<string, number> = {
  NEWIPC: 0x08000000,
  NEWUTS: 0x04000000,
  NEWNET: 0x40000000,
  NEWPID: 0x20000000,
  NEWNS: 0x00020000,
  NEWCGROUP: 0x02000000,
};

/** Linux capability numbers (include/uapi/linux/capability.h); runc ignores names it does not know. */
const CAPS = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP', 'LINUX_IMMUTABLE',
  'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW', 'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE',
  'SYS_PACCT', 'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD', 'LEASE', 'AUDIT_WRITE',
  'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG', 'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF',
  'CHECKPOINT_RESTORE',
];

const RLIMITS: Record<string, number> = {
  RLIMIT_CPU: 0, RLIMIT_FSIZE: 1, RLIMIT_DATA: 2, RLIMIT_STACK: 3, RLIMIT_CORE: 4, RLIMIT_RSS: 5, RLIMIT_NPROC: 6, RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8, RLIMIT_AS: 9, RLIMIT_LOCKS: 10, RLIMIT_SIGPENDING: 11, RLIMIT_MSGQUEUE: 12, RLIMIT_NICE: 13, RLIMIT_RTPRIO: 14, RLIMIT_RTTIME: 15,
};

/** berth-nsexec takes at most this many cgroups, groups and rlimits each. */
const MAX_LIST = 64;

function capMask(names: unknown): bigint | undefined {
  if (names === undefined || names === null) return 0n;
  if (!Array.isArray(names)) return undefined;
  let mask = 0n;
  for (const n of names) {
    const i = typeof n === 'string' ? CAPS.indexOf(n.replace(/^CAP_/, '')) : -1;
    if (i >= 0) mask |= 1n << BigInt(i);
  }
  return mask;
}

/** The environment as runc's init builds it with os.Setenv: a repeated name keeps its first place and its last value. Undefined if runc would refuse it. */
export function processEnv(env: string[]): string[] | undefined {
  const out: string[] = [];
  const at = new Map<string, number>();
  for (const kv of env) {
    const eq = kv.indexOf('=');
    if (eq <= 0) return undefined;
    const name = kv.slice(0, eq);
    const i = at.get(name);
    if (i === undefined) {
      at.set(name, out.length);
      out.push(kv);
    } else out[i] = kv;
  }
  return out;
}

const isUint = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
const hasNul = (s: string) => s.includes('\0');

/**
 * berth-nsexec's arguments for `cmd` with `spec`'s settings in the
 * container `id` that `state` describes, or a string saying why this exec
 * must go through runc. `seccomp` is the file holding the filter to
 * install, or '' when the container has none.
 */
export function nsExecArgs(id: string, state: RuncState, spec: ProcessSpec, cmd: string[], seccomp: string): string[] | string {
  const c = state.config ?? {};
  const pid = state.init_process_pid;
  if (!pid || pid <= 0) return 'no init pid in the runtime state';
  if (state.rootless || c.rootless_euid || (c.uid_mappings && c.uid_mappings.length)) return 'rootless or user-namespaced container';
  if (state.intel_rdt_path || c.intel_rdt) return 'Intel RDT';
  if (c.seccomp && c.seccomp.listener_path) return 'seccomp notify listener';
  if (c.seccomp && !seccomp) return 'no copy of the seccomp filter';
  if (spec.terminal) return 'terminal';
  if (spec.apparmorProfile || spec.selinuxLabel) return 'AppArmor or SELinux label';
  let ns = 0;
  for (const n of c.namespaces ?? []) {
    const flag = NAMESPACE_FLAGS[n.type ?? ''];
    if (flag === undefined) return `namespace ${n.type}`;
    ns |= flag;
  }
  const user = (spec.user ?? {}) as { uid?: unknown; gid?: unknown; additionalGids?: unknown; username?: unknown };
  const uid = user.uid ?? 0;
  const gid = user.gid ?? 0;
  const groups = user.additionalGids ?? [];
  if (!isUint(uid) || !isUint(gid) || !Array.isArray(groups) || !groups.every(isUint) || groups.length > MAX_LIST || user.username) return 'user';
  const capsSpec = spec.capabilities as Record<string, unknown> | undefined;
  if (!capsSpec || typeof capsSpec !== 'object') return 'no capabilities in the process spec';
  const masks = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'].map((k) => capMask(capsSpec[k]));
  if (masks.some((m) => m === undefined)) return 'capabilities';
  const rawEnv = spec.env ?? [];
  if (!Array.isArray(rawEnv) || !rawEnv.every((e) => typeof e === 'string')) return 'env';
  const env = processEnv(rawEnv as string[]);
  if (!env) return 'env';
  const rlimits: string[] = [];
  for (const r of (spec.rlimits ?? []) as { type?: string; hard?: unknown; soft?: unknown }[]) {
    const t = RLIMITS[r.type ?? ''];
    if (t === undefined || typeof r.hard !== 'number' || typeof r.soft !== 'number') return 'rlimits';
    rlimits.push('-r', `${t},${BigInt(r.soft)},${BigInt(r.hard)}`);
  }
  const cgroups = Object.values(state.cgroup_paths ?? {}).filter((p) => typeof p === 'string' && p);
  if (cgroups.length > MAX_LIST || rlimits.length / 2 > MAX_LIST) return 'too many cgroups or rlimits';
  const cwd = typeof spec.cwd === 'string' ? spec.cwd : '';
  const all = [...cmd, ...env, cwd, ...cgroups];
  if (all.some(hasNul)) return 'a NUL in an argument, the environment or a path';
  const args = ['-p', String(pid), '-m', id, '-n', String(ns)];
  for (const p of [...new Set(cgroups)].sort()) args.push('-c', p);
  if (typeof c.oom_score_adj === 'number') args.push('-o', String(c.oom_score_adj));
  if (!c.no_new_keyring) args.push('-k', `_ses.${id}`);
  args.push('-u', String(uid), '-g', String(gid));
  for (const g of groups as number[]) args.push('-G', String(g));
  if (cwd) args.push('-d', cwd);
  args.push('-N', spec.noNewPrivileges ? '1' : '0');
  args.push('-C', masks.map((m) => m!.toString(16)).join(','));
  args.push(...rlimits);
  if (seccomp) args.push('-s', seccomp);
  for (const e of env) args.push('-e', e);
  args.push('--', ...cmd);
  return args;
}
