import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface DiskUsage {
  /** Bytes of the blocks allocated, as du counts them; a hard-linked file once. */
  bytes: number;
  inodes: number;
}

/**
 * Walks `dirs` (missing ones count 0) without following symlinks or
 * leaving the filesystem of each dir, as `du -sx` does; asynchronously,
 * one directory at a time, so that a large tree does not stall the daemon.
 */
export async function diskUsage(dirs: string[]): Promise<DiskUsage> {
  const seen = new Set<string>();
  let bytes = 0;
  let inodes = 0;
  const walk = async (path: string, dev: number | undefined): Promise<void> => {
    let st;
    try {
      st = await lstat(path);
    } catch {
      return;
    }
    if (dev !== undefined && st.dev !== dev) return;
    const key = `${st.dev}:${st.ino}`;
    if (seen.has(key)) return;
    seen.add(key);
    bytes += st.blocks * 512;
    inodes += 1;
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await readdir(path);
    } catch {
      return;
    }
    for (const n of names) await walk(join(path, n), st.dev);
  };
  for (const d of dirs) await walk(d, undefined);
  return { bytes, inodes };
}
