import { constants, promises as fsp } from 'node:fs';
import { failedPrecondition } from '../errors.js';
import { pathInRoot } from '../host/root-path.js';

/** Larger than any real /etc/passwd or /etc/group; an image is not trusted to be sane. */
export const MAX_IMAGE_FILE_BYTES = 4 << 20;

/**
 * Reads a small text file from a container's root filesystem, as the image
 * made it: symlinks resolve inside the root, and only a regular file of at
 * most `maxBytes` is read. A FIFO would block and a device such as
 * /dev/zero would never end, so neither is opened; the read is async so a
 * slow disk holds up this call alone. Missing: undefined.
 */
export async function readImageFile(rootfs: string, path: string, maxBytes = MAX_IMAGE_FILE_BYTES): Promise<string | undefined> {
  const real = pathInRoot(rootfs, path);
  const st = await fsp.lstat(real).catch(() => undefined);
  if (!st) return undefined;
  if (!st.isFile()) throw failedPrecondition(`image file ${path} is not a regular file`);
  if (st.size > maxBytes) throw failedPrecondition(`image file ${path} is ${st.size} bytes, more than ${maxBytes}`);
  const fh = await fsp.open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    // What was checked by name is checked again on what was opened.
    const fst = await fh.stat();
    if (!fst.isFile() || fst.ino !== st.ino || fst.size > maxBytes) throw failedPrecondition(`image file ${path} changed while being read`);
    const buf = Buffer.alloc(Math.min(fst.size, maxBytes) + 1);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    if (bytesRead > maxBytes) throw failedPrecondition(`image file ${path} is more than ${maxBytes} bytes`);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
