import { readdirSync, lstatSync } from 'node:fs';
import { join } from 'node:path';

export interface LinuxDevice {
  path: string;
  type: 'c' | 'b';
  major: number;
  minor: number;
  fileMode: number;
  uid: number;
  gid: number;
}

const SKIP = new Set(['/dev/pts', '/dev/shm', '/dev/mqueue', '/dev/fd', '/dev/console']);

/** Every char and block device under the host's /dev, for privileged containers. */
export function hostDevices(dir = '/dev'): LinuxDevice[] {
  const out: LinuxDevice[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (SKIP.has(path)) continue;
    let st;
    try {
      st = lstatSync(path);
    } catch {
      continue;
    }
    if (st.isDirectory()) out.push(...hostDevices(path));
    else if (st.isCharacterDevice() || st.isBlockDevice()) {
      const rdev = st.rdev;
      out.push({
        path,
        type: st.isCharacterDevice() ? 'c' : 'b',
        major: Math.floor(rdev / 256) & 0xfff,
        minor: (rdev & 0xff) | (Math.floor(rdev / 4096) & 0xfff00),
        fileMode: st.mode & 0o7777,
        uid: st.uid,
        gid: st.gid,
      });
    }
  }
  return out;
}
