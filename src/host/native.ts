import { createRequire } from 'node:module';

interface HostCalls {
  mknod(path: string, mode: number, major: number, minor: number): void;
  lsetxattr(path: string, name: string, value: Buffer): void;
  lgetxattr(path: string, name: string): Buffer | null;
  mount(source: string, target: string, fstype: string, flags: number, data: string): void;
  umount2(target: string, flags: number): void;
  /** An unconnected TCP socket fd (IPv4, or IPv6 with `ipv6`) made inside the netns pinned at `netns` ('' for berthd's own). */
  netnsSocket(netns: string, ipv6: boolean): number;
  /** A stream socket fd relayed to the SOCK_SEQPACKET socket at `path`, each packet framed [byte][u32 len][data]. */
  seqpacketRelay(path: string): number;
  /**
   * Makes the namespaces whose pin file is given (others ''), sets the UTS one's hostname, brings the
   * network one's lo up, and bind-mounts each to its (existing) file; off the event loop.
   */
  pinNamespaces(net: string, ipc: string, uts: string, hostname: string): Promise<void>;
  /** Signals `pid` only while /proc/PID/cgroup names `cgroupMark`, race-free through a pidfd; false if gone or not that process. */
  pidfdSignal(pid: number, signal: number, cgroupMark: string): boolean;
  /** A close-on-exec pidfd for the process `pid` names now, or -1 if there is none. */
  pidfdOpen(pid: number): number;
  /** 1 for each pidfd whose process has exited (zombies too), from one poll that does not wait. */
  pidfdsExited(fds: Int32Array): Uint8Array;
  /** umount2 on a worker thread: unmounts wait for an RCU grace period, which several can wait out together. */
  umount2Async(target: string, flags: number): Promise<void>;
  /** posix_spawn (no fork of berthd): stdio[i] is the child's fd i, -1 for /dev/null; returns the pid. */
  spawn(file: string, args: string[], env: string[], cwd: string, stdio: number[], setsid: boolean): number;
  /** A close-on-exec pipe: [read end, write end]. */
  pipe(): [number, number];
  /** Reaps a child started by spawn; code -1 when `signal` ended it. */
  waitChild(pid: number): Promise<{ code: number; signal: number }>;
  /** glibc's malloc_trim(0): every free page of every malloc arena back to the kernel; true if there were any. */
  mallocTrim(): boolean;
}

const require = createRequire(import.meta.url);

/** System calls Node does not offer, from native/host.c. */
export const host = require('../../../native/build/Release/berth_host.node') as HostCalls;

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export const MNT_DETACH = 2;
