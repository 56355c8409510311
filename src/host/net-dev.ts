import { readFileSync, statSync } from 'node:fs';
import { execFile } from './exec.js';

/** One interface's counters from /proc/net/dev. */
export interface InterfaceCounters {
  name: string;
  rxBytes: number;
  rxErrors: number;
  txBytes: number;
  txErrors: number;
}

/** The interfaces of a /proc/net/dev text (two header lines, then `name: 8 rx fields, 8 tx fields`). */
export function parseNetDev(text: string): InterfaceCounters[] {
  const out: InterfaceCounters[] = [];
  for (const line of text.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (f.length < 16) continue;
    out.push({ name: line.slice(0, colon).trim(), rxBytes: f[0], rxErrors: f[2], txBytes: f[8], txErrors: f[10] });
  }
  return out;
}

/** Whether process `pid` is in the network namespace pinned at `nsPath` (same nsfs inode). */
export function inNetns(pid: number, nsPath: string): boolean {
  try {
    const a = statSync(`/proc/${pid}/ns/net`);
    const b = statSync(nsPath);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

/** The counters of the network namespace a process is in: /proc/PID/net is that namespace's view. */
export function netDevOfPid(pid: number): InterfaceCounters[] | undefined {
  try {
    return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The counters of a pinned namespace no process is in: one nsenter, for pods with nothing running. */
export async function netDevOfNetns(nsPath: string): Promise<InterfaceCounters[] | undefined> {
  try {
    const r = await execFile('nsenter', [`--net=${nsPath}`, 'cat', '/proc/self/net/dev'], { timeoutMs: 5000 });
    return r.code === 0 ? parseNetDev(r.stdout) : undefined;
  } catch {
    return undefined;
  }
}
