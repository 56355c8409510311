import { readFileSync, realpathSync } from 'node:fs';
import { failedPrecondition, quote } from '../errors.js';

interface MountEntry {
  mountPoint: string;
  shared: boolean;
  slave: boolean;
}

/** mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

function mounts(): MountEntry[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const sep = f.indexOf('-', 6);
      const optional = f.slice(6, sep < 0 ? undefined : sep);
      return {
        mountPoint: unescape(f[4]),
        shared: optional.some((o) => o.startsWith('shared:')),
        slave: optional.some((o) => o.startsWith('master:')),
      };
    });
}

/** The mount a path lives on: the longest mount point above it, the last one mounted if stacked. */
function mountOf(path: string): MountEntry {
  const real = realpathSync(path);
  let best: MountEntry | undefined;
  for (const m of mounts()) {
    const under = m.mountPoint === '/' || real === m.mountPoint || real.startsWith(m.mountPoint + '/');
    if (under && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best!;
}

/**
 * A bind mount can only propagate what its source's mount propagates:
 * rshared needs a shared source mount, rslave a shared or slave one. As
 * containerd does, the host is not changed to make it so: the mount is
 * refused with what to fix.
 */
export function checkPropagation(hostPath: string, propagation: 'private' | 'rslave' | 'rshared'): void {
  if (propagation === 'private') return;
  const m = mountOf(hostPath);
  if (propagation === 'rshared' && !m.shared)
    throw failedPrecondition(
      `mount ${quote(hostPath)} asks for rshared (bidirectional) propagation, but it lies on ${quote(m.mountPoint)}, which is not a shared mount (mount --make-shared ${m.mountPoint})`,
    );
  if (propagation === 'rslave' && !m.shared && !m.slave)
    throw failedPrecondition(
      `mount ${quote(hostPath)} asks for rslave (host-to-container) propagation, but it lies on ${quote(m.mountPoint)}, which is neither a shared nor a slave mount`,
    );
}
