import { mkdirSync, rmSync } from 'node:fs';
import { host, MNT_DETACH } from '../host/native.js';
import { internal } from '../errors.js';

/**
 * Mounts the container's root: the image layers (top first) as overlay
 * lower dirs under a private upper dir.
 */
export function mountRootfs(target: string, lowerDirs: string[], upper: string, work: string): void {
  mkdirSync(target, { recursive: true });
  mkdirSync(upper, { recursive: true, mode: 0o755 });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const data = `lowerdir=${lowerDirs.join(':')},upperdir=${upper},workdir=${work}`;
  if (data.length > 4000) throw internal(`overlay options for ${lowerDirs.length} layers exceed a page`);
  host.mount('overlay', target, 'overlay', 0, data);
}

/** Unmounts the root if it is mounted; an unmounted or missing one is fine. */
export function unmountRootfs(target: string): void {
  try {
    host.umount2(target, MNT_DETACH);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOENT') throw err;
  }
}

export function removeDirs(...dirs: string[]): void {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
