import { lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface DiskUsage {
  /** Bytes of the blocks allocated, as du counts them; a hard-linked file once. */
  bytes: number;
  inodes: number;
}

/**
 * Walks `dirs` (missing ones count 0) without following symlinks or
 * leaving the filesystem of each dir, as `du -sx` does.
 */
export function diskUsage(dirs: string[]): DiskUsage {
  const seen = new Set<string>();
  let bytes = 0;
  let inodes = 0;
  const walk = (path: string, dev: number | undefined): void => {
    let st;
    try {
      st = lstatSync(path, { bigint: false });
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
      names = readdirSync(path);
    } catch {
      return;
    }
    for (const n of names) walk(join(path, n), st.dev);
  };
  for (const d of dirs) walk(d, undefined);
  return { bytes, inodes };
}
