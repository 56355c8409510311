import { chmodSync, mkdirSync } from 'node:fs';

/**
 * A directory only root can enter, made so even if it already existed with
 * looser bits: what lies below (overlay roots with setuid files and device
 * nodes from images, bundles with the containers' env) must not be
 * reachable by other users (the CVE-2021-41091 class).
 */
export function privateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}

/** Mode for files holding a container's config (env may carry secrets). */
export const PRIVATE_FILE = 0o600;
