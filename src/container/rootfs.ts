import { closeSync, constants, mkdirSync, openSync, rmSync } from 'node:fs';
import { host, MNT_DETACH } from '../host/native.js';
import { failedPrecondition } from '../errors.js';

// mount(2) copies at most one page of options; the kernel cuts off the rest.
const MOUNT_DATA_MAX = 4095;

/**
 * Mounts the container's root: the image layers (top first) as overlay
 * lower dirs under a private upper dir.
 *
 * A layer that appears more than once is mounted once, at its topmost
 * position, which overlay resolves identically: a lookup walks the lower
 * dirs top down and stops at the first one holding the name (or a whiteout
 * or opaque dir for it), and merges directory listings of all the layers it
 * passed. The topmost copy is consulted before any lower copy of the same
 * dir; whatever the lower copy would add to a listing the upper one added
 * already, and whatever its whiteouts hide below it the upper copy's
 * identical whiteouts hid already. (Overlay also refuses a dir given twice.)
 *
 * Each lower dir is passed as /proc/self/fd/N of a descriptor open for the
 * mount's duration: overlay follows that link to the directory, and the
 * options stay ~20 bytes per layer, so 127 layers fit the one page
 * mount(2) takes, where absolute 64-hex paths fit ~41. This works on every
 * kernel with overlay, unlike the fsconfig `lowerdir+` key (6.8 and later).
 */
export function mountRootfs(target: string, lowerDirs: string[], upper: string, work: string): void {
  mkdirSync(target, { recursive: true });
  mkdirSync(upper, { recursive: true, mode: 0o755 });
  mkdirSync(work, { recursive: true, mode: 0o700 });
  const lowers = [...new Set(lowerDirs)];
  const fds: number[] = [];
  try {
    for (const dir of lowers) fds.push(openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW));
    const data = `lowerdir=${fds.map((fd) => `/proc/self/fd/${fd}`).join(':')},upperdir=${upper},workdir=${work}`;
    if (Buffer.byteLength(data) > MOUNT_DATA_MAX)
      throw failedPrecondition(`overlay options for ${lowers.length} layers are ${Buffer.byteLength(data)} bytes, more than mount(2) takes`);
    host.mount('overlay', target, 'overlay', 0, data);
  } finally {
    for (const fd of fds) closeSync(fd);
  }
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
