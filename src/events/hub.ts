import { BerthError } from '../errors.js';
import { nowNs } from '../ids.js';
import type { ContainerRecord } from '../store/container-store.js';
import type { SandboxRecord } from '../store/sandbox-store.js';

export type LifecycleEvent = 'CREATED' | 'STARTED' | 'STOPPED' | 'DELETED';

/** The pod as it was when an event happened. */
export interface PodSnapshot {
  sandbox: SandboxRecord | undefined;
  containers: ContainerRecord[];
}

/** A container's (or a pod sandbox's, as containerd also sends them) state change. */
export interface RuntimeEvent {
  /** The container's id, or the sandbox's for the sandbox's own events. */
  id: string;
  type: LifecycleEvent;
  /** ns since the epoch. */
  createdAt: string;
  pod: PodSnapshot;
}

/** Events one subscriber may have waiting before it counts as stuck and is dropped. */
export const SUBSCRIBER_BUFFER = 1024;
/**
 * How long after berthd starts serving a new subscriber still gets what
 * recovery found (exits while berthd was down): the kubelet reconnects
 * with a backoff after a runtime restart.
 */
export const RECOVERY_REPLAY_MS = 120_000;

export interface EventHubOptions {
  bufferLimit?: number;
  replayMs?: number;
}

/**
 * One subscriber's queue, read as an async iterable. A subscriber that
 * falls `bufferLimit` events behind is dropped (its iteration throws
 * RESOURCE_EXHAUSTED) rather than holding events, or the daemon, back.
 */
export class Subscription implements AsyncIterable<RuntimeEvent> {
  private readonly queue: RuntimeEvent[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private overflowed = false;

  constructor(
    private readonly limit: number,
    private readonly onClose: (s: Subscription) => void,
  ) {}

  /** @internal called by the hub; never blocks. */
  push(e: RuntimeEvent): void {
    if (this.ended) return;
    if (this.queue.length >= this.limit) {
      this.overflowed = true;
      this.close();
      return;
    }
    this.queue.push(e);
    this.wake?.();
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onClose(this);
    this.wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<RuntimeEvent> {
    try {
      for (;;) {
        if (this.overflowed)
          throw new BerthError('RESOURCE_EXHAUSTED', `event subscriber fell ${this.limit} events behind and was dropped; subscribe again and re-list`);
        const e = this.queue.shift();
        if (e) {
          yield e;
          continue;
        }
        if (this.ended) return;
        await new Promise<void>((r) => (this.wake = r));
        this.wake = undefined;
      }
    } finally {
      this.close();
    }
  }
}

/**
 * Fans container and sandbox lifecycle events out to subscribers, in the
 * order they were published. Events published before `serving()` (what
 * recovery finds) are kept and given to subscribers that come within
 * `replayMs` of it.
 */
export class EventHub {
  private readonly subs = new Set<Subscription>();
  private readonly backlog: RuntimeEvent[] = [];
  private held = true;
  private replayUntil = 0;
  private describe: (sandboxId: string) => PodSnapshot = () => ({ sandbox: undefined, containers: [] });

  constructor(private readonly opts: EventHubOptions = {}) {}

  /** How a pod's state is read for each event (wired once the domain objects exist). */
  describeWith(fn: (sandboxId: string) => PodSnapshot): void {
    this.describe = fn;
  }

  /** A sandbox record given here is used when the store no longer has it (its DELETED event). */
  publish(id: string, sandboxId: string, type: LifecycleEvent, sandbox?: SandboxRecord): void {
    // Describing the pod reads every container of the store: not for an event nobody gets.
    if (!this.held && !this.subs.size) return;
    const pod = this.describe(sandboxId);
    const e: RuntimeEvent = { id, type, createdAt: nowNs(), pod: { sandbox: pod.sandbox ?? sandbox, containers: pod.containers } };
    if (this.held) {
      if (this.backlog.length < (this.opts.bufferLimit ?? SUBSCRIBER_BUFFER)) this.backlog.push(e);
      return;
    }
    for (const s of this.subs) s.push(e);
  }

  serving(): void {
    this.held = false;
    this.replayUntil = Date.now() + (this.opts.replayMs ?? RECOVERY_REPLAY_MS);
  }

  subscribe(): Subscription {
    const s = new Subscription(this.opts.bufferLimit ?? SUBSCRIBER_BUFFER, (x) => this.subs.delete(x));
    if (Date.now() < this.replayUntil) for (const e of this.backlog) s.push(e);
    this.subs.add(s);
    return s;
  }

  get subscribers(): number {
    return this.subs.size;
  }

  close(): void {
    for (const s of [...this.subs]) s.close();
  }
}
