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
}

const require = createRequire(import.meta.url);

/** System calls Node does not offer, from native/host.c. */
export const host = require('../../../native/build/Release/berth_host.node') as HostCalls;

export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export const MNT_DETACH = 2;
