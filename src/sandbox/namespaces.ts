import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { execFile } from '../host/exec.js';
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
 * does). util-linux's unshare creates, pins and then runs `hostname` in
 * the new UTS namespace: one exec for the lot.
 */
export async function pinNamespaces(dir: string, kinds: PodNamespace[], hostname: string): Promise<void> {
  if (!kinds.length) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const k of kinds) writeFileSync(namespacePath(dir, k), '');
  const args = kinds.map((k) => `--${k}=${namespacePath(dir, k)}`);
  const cmd = kinds.includes('uts') ? ['hostname', hostname] : ['true'];
  try {
    const r = await execFile('unshare', [...args, ...cmd]);
    if (r.code !== 0) throw internal(`unshare: ${r.stderr.trim() || 'exit ' + r.code}`);
  } catch (err) {
    unpinNamespaces(dir);
    throw err instanceof Error && 'kind' in err ? err : internal(`unshare: ${(err as Error).message}`);
  }
}

/** Unmounts whatever of the pod's namespace files is still mounted, then removes them. */
export function unpinNamespaces(dir: string): void {
  for (const k of ALL) {
    const p = namespacePath(dir, k);
    if (!existsSync(p)) continue;
    try {
      host.umount2(p, MNT_DETACH);
    } catch (err) {
      // EINVAL: not a mount point (never pinned, or already unmounted).
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    rmSync(p, { force: true });
  }
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
