import { randomBytes } from 'node:crypto';
import { invalidArgument } from './errors.js';

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/** Nanoseconds since the epoch, as decimal text (too big for a JS number). */
export function nowNs(): string {
  return (BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)).toString();
}

/**
 * The one id an id or unique prefix names, from what `lookup` finds for
 * that prefix (at most two are enough to tell).
 */
export function resolvePrefix(prefix: string, lookup: (p: string) => string[], what: string): string | undefined {
  const ids = lookup(prefix);
  if (ids.length > 1) throw invalidArgument(`${what} id prefix ${prefix} is ambiguous`);
  return ids[0];
}
