import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { Metrics } from '../api/grpc/metrics.js';

export interface TrimmerHost {
  /** V8's memory-reducing collections: hold the event loop for tens of ms. */
  reduceMemory(): void;
  /** glibc's malloc_trim: gives free pages in its arenas back to the kernel. */
  mallocTrim(): void;
  /** The heap in use, in bytes. */
  heapUsed(): number;
  /** The event loop's busy share since `since` (all of it without). */
  loopUtilization(since?: EventLoopUtilization): EventLoopUtilization;
}

const nodeHost = (reduceMemory: () => void, mallocTrim: () => void): TrimmerHost => ({
  reduceMemory,
  mallocTrim,
  heapUsed: () => getHeapStatistics().used_heap_size,
  loopUtilization: (since) => performance.eventLoopUtilization(since),
});

/**
 * glibc keeps what berthd's threads free (a pull's buffers, a burst of
 * calls) in its arenas, pages in the middle included: they go back to the
 * kernel once calls pause for a second, and every minute whatever the calls.
 * At such a pause V8 also gives back what a burst of calls grew its heap
 * by: it otherwise keeps that garbage and the heap it grew to (8 MiB above
 * the live heap after 300 pod lifecycles, still 15 s later). The collection
 * holds the event loop, so only when no call has ended for a second and
 * the loop was idle in it (a pull, an exec's output or a call still running
 * keep it busy: it then waits for the next quiet second), and at most every
 * 30 s unless the heap in use grew by 2 MiB since the last.
 */
export class MemoryTrimmer {
  static readonly GROWTH = 2 * 1024 * 1024;
  static readonly INTERVAL_MS = 30_000;
  static readonly PAUSE_MS = 1000;
  /** Busy share of the event loop over a second above which that second was no pause (idle berthd: under 1 %). */
  static readonly BUSY = 0.05;
  /** When the last collection made here ran, and the heap in use after it. */
  private collected = { at: -Infinity, used: 0 };
  private readonly quiet = setTimeout(() => this.atPause(), MemoryTrimmer.PAUSE_MS).unref();
  private readonly periodic = setInterval(() => this.host.mallocTrim(), 60_000).unref();
  private since: EventLoopUtilization;

  constructor(private readonly host: TrimmerHost) {
    this.since = host.loopUtilization();
  }

  static forNode(reduceMemory: () => void, mallocTrim: () => void): MemoryTrimmer {
    return new MemoryTrimmer(nodeHost(reduceMemory, mallocTrim));
  }

  private rearm(): void {
    this.since = this.host.loopUtilization();
    this.quiet.refresh();
  }

  private atPause(): void {
    if (this.host.loopUtilization(this.since).utilization > MemoryTrimmer.BUSY) return this.rearm();
    const now = performance.now();
    if (this.host.heapUsed() > this.collected.used + MemoryTrimmer.GROWTH || now - this.collected.at >= MemoryTrimmer.INTERVAL_MS) {
      this.host.reduceMemory();
      this.collected = { at: now, used: this.host.heapUsed() };
    }
    this.host.mallocTrim();
  }

  /** `metrics`, which also restarts the wait for a pause at every call's end and stops the trimming at close. */
  watch(metrics: Metrics): Metrics {
    return {
      observe: (method, code, seconds) => {
        metrics.observe(method, code, seconds);
        this.rearm();
      },
      pullBytes: (bytes) => metrics.pullBytes(bytes),
      close: () => {
        clearTimeout(this.quiet);
        clearInterval(this.periodic);
        metrics.close();
      },
    };
  }
}
