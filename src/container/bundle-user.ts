import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The identity a container's process runs with, as resolved at create. */
export interface ProcessIdentity {
  uid: number;
  gid: number;
  additionalGids: number[];
}

/**
 * What the container's bundle gives runc as the process user: resolved
 * from the config and the image's /etc/passwd and /etc/group at create, so
 * it is what the process really runs as. Undefined once the bundle is gone
 * (a reboot took the state dir).
 */
export function bundleUser(bundle: string): ProcessIdentity | undefined {
  let spec: { process?: { user?: { uid?: number; gid?: number; additionalGids?: number[] } } };
  try {
    spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as typeof spec;
  } catch {
    return undefined;
  }
  const u = spec.process?.user;
  return u ? { uid: u.uid ?? 0, gid: u.gid ?? 0, additionalGids: u.additionalGids ?? [] } : undefined;
}
