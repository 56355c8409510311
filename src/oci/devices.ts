import { readdirSync, lstatSync, statSync, type Stats } from 'node:fs';
import { join, posix } from 'node:path';
import { failedPrecondition, invalidArgument, quote } from '../errors.js';

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
    else {
      const d = deviceOf(path, st);
      if (d) out.push(d);
    }
  }
  return out;
}

function deviceOf(path: string, st: Stats): LinuxDevice | undefined {
  if (!st.isCharacterDevice() && !st.isBlockDevice()) return undefined;
  const rdev = st.rdev;
  return {
    path,
    type: st.isCharacterDevice() ? 'c' : 'b',
    major: Math.floor(rdev / 256) & 0xfff,
    minor: (rdev & 0xff) | (Math.floor(rdev / 4096) & 0xfff00),
    fileMode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
  };
}

export interface DeviceRule {
  allow: boolean;
  type: 'c' | 'b';
  major: number;
  minor: number;
  access: string;
}

/**
 * The device nodes a CRI `devices` entry names, at their container paths,
 * and the device cgroup rules that let the container use them with the
 * given permissions. A directory brings every device below it, as
 * containerd does; anything else that is not a device node is refused.
 */
export function requestedDevices(containerPath: string, hostPath: string, permissions: string): { devices: LinuxDevice[]; rules: DeviceRule[] } {
  const access = permissions || 'rwm';
  if (!/^[rwm]{1,3}$/.test(access) || new Set(access).size !== access.length)
    throw invalidArgument(`device ${quote(hostPath)}: permissions ${quote(permissions)} must be made of r, w and m`);
  let st;
  try {
    st = statSync(hostPath);
  } catch (err) {
    throw failedPrecondition(`device ${quote(hostPath)}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let found: LinuxDevice[];
  if (st.isDirectory()) {
    found = hostDevices(hostPath).map((d) => ({ ...d, path: posix.join(containerPath, posix.relative(hostPath, d.path)) }));
  } else {
    const d = deviceOf(hostPath, st);
    if (!d) throw failedPrecondition(`device ${quote(hostPath)} is not a character or block device`);
    found = [{ ...d, path: containerPath }];
  }
  return { devices: found, rules: found.map((d) => ({ allow: true, type: d.type, major: d.major, minor: d.minor, access })) };
}
