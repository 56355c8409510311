import { randomBytes } from 'node:crypto';

/** How long a streaming URL may wait for its client (the kubelet's streaming server gives a minute too). */
export const TOKEN_TTL_MS = 60_000;

/**
 * Single-use tokens for streaming URLs: 256 random bits each, good for
 * one request within TOKEN_TTL_MS. The token is the whole credential, so
 * it is never logged.
 */
export class TokenCache<T> {
  private readonly entries = new Map<string, { value: T; expires: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly ttlMs = TOKEN_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {
    this.sweeper = setInterval(() => this.sweep(), Math.max(1000, ttlMs)).unref();
  }

  /** Stores `value` under a new token. */
  insert(value: T): string {
    const token = randomBytes(32).toString('base64url');
    this.entries.set(token, { value, expires: this.now() + this.ttlMs });
    return token;
  }

  /** The value of an unexpired token, which is then gone; undefined for any other string. */
  consume(token: string): T | undefined {
    const e = this.entries.get(token);
    if (!e) return undefined;
    this.entries.delete(token);
    return e.expires > this.now() ? e.value : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  private sweep(): void {
    const now = this.now();
    for (const [t, e] of this.entries) if (e.expires <= now) this.entries.delete(t);
  }
}
