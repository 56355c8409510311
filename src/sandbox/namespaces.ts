import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { host, MNT_DETACH } from '../host/native.js';
import { internal } from '../errors.js';

export type PodNamespace = 'net' | 'ipc' | 'uts';
const ALL: PodNamespace[] = ['net', 'ipc', 'uts'];

export function namespacePath(dir: string, kind: PodNamespace): string {
  return join(dir, kind);
}

/**
 * Creates the pod's own namespaces and pins each to a file under `dir` by
 * a bind mount, with no process kept alive for them (what CRI-O's pinns
 * does), sets the hostname and brings the loopback up: all in a thread of
 * berthd's native addon, where util-linux unshare, hostname and the CNI
 * loopback plugin cost three execs (~60 ms on a loaded host).
 */
export async function pinNamespaces(dir: string, kinds: PodNamespace[], hostname: string): Promise<void> {
  if (!kinds.length) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const k of kinds) writeFileSync(namespacePath(dir, k), '');
  const file = (k: PodNamespace) => (kinds.includes(k) ? namespacePath(dir, k) : '');
  try {
    await host.pinNamespaces(file('net'), file('ipc'), file('uts'), kinds.includes('uts') ? hostname : '');
  } catch (err) {
    await unpinNamespaces(dir);
    throw internal(`pin pod namespaces: ${(err as Error).message}`);
  }
}

/** Unmounts whatever of the pod's namespace files is still mounted (all at once), then removes them. */
export async function unpinNamespaces(dir: string): Promise<void> {
  await Promise.all(
    ALL.map(async (k) => {
      const p = namespacePath(dir, k);
      if (!existsSync(p)) return;
      try {
        await host.umount2Async(p, MNT_DETACH);
      } catch (err) {
        // EINVAL: not a mount point (never pinned, or already unmounted).
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      await rm(p, { force: true });
    }),
  );
}

/**
 * A namespace file whose bind mount is gone (unmounted from outside) is an
 * empty file again; CNI plugins take an existing non-namespace path for an
 * error but clean up for a missing one, so the stale placeholder goes.
 */
export function dropUnpinned(path: string): void {
  try {
    if (statSync(path).dev === statSync(dirname(path)).dev) rmSync(path, { force: true });
  } catch {
    /* missing already */
  }
}
