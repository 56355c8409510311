import * as fs from 'node:fs';
import { posix } from 'node:path';
import { BerthError } from '../errors.js';

const MAX_SYMLINKS = 255;

/**
 * Resolves `parts` (already lexically clean) to a real path inside `root`,
 * following symlinks as if `root` were `/`: a link to `/etc` or `../../x`
 * lands inside root, never outside it. Missing components are taken as
 * directories to be created.
 */
export function resolveInRoot(root: string, parts: string[], knownDirs: Set<string>): string {
  const queue = [...parts];
  const resolved: string[] = [];
  let links = 0;
  while (queue.length) {
    const p = queue.shift()!;
    if (p === '..') {
      resolved.pop();
      continue;
    }
    const candidate = posix.join(root, ...resolved, p);
    if (knownDirs.has(candidate)) {
      resolved.push(p);
      continue;
    }
    const st = fs.lstatSync(candidate, { throwIfNoEntry: false });
    if (!st) {
      resolved.push(p);
      continue;
    }
    if (st.isSymbolicLink()) {
      if (++links > MAX_SYMLINKS) throw new BerthError('FAILED_PRECONDITION', `too many symlinks resolving ${parts.join('/')}`);
      const target = fs.readlinkSync(candidate);
      if (target.startsWith('/')) resolved.length = 0;
      queue.unshift(...target.split('/').filter((x) => x && x !== '.'));
      continue;
    }
    resolved.push(p);
    if (st.isDirectory()) knownDirs.add(candidate);
  }
  return posix.join(root, ...resolved);
}

/** A path inside `root` (e.g. a container's /etc/passwd), symlinks resolved as if `root` were /. */
export function pathInRoot(root: string, path: string): string {
  return resolveInRoot(root, posix.normalize('/' + path).split('/').filter((x) => x && x !== '.'), new Set([root]));
}
