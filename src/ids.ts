import { randomBytes } from 'node:crypto';
import { invalidArgument } from './errors.js';

export function newId(): string {
  return randomBytes(32).toString('hex');
}

/**
 * The epoch, on the monotonic clock: wall time read once, then only
 * monotonic steps, so two stamps taken in order never go backwards (events
 * are ordered by them) even within one millisecond or across a clock step.
 */
const epochOffsetNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Nanoseconds since the epoch, as decimal text (too big for a JS number). */
export function nowNs(): string {
  return (epochOffsetNs + process.hrtime.bigint()).toString();
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
