import { BerthError } from '../errors.js';

// What counts as progress within one timeout window, besides a request
// finishing: at the default 5m this is ~110 B/s, far below any working link.
const PROGRESS_BYTES = 32 * 1024;

/**
 * Fails a pull whose registry connections stay open without making
 * progress, as containerd's `image_pull_progress_timeout` does: the clock
 * runs only while at least one request is open, and restarts when one
 * finishes or when PROGRESS_BYTES have arrived. containerd restarts it on
 * any byte, which lets a registry that trickles a byte every few seconds
 * (under every socket idle timeout) hold a pull forever; a bytes floor
 * per window does not.
 */
export class StallWatch {
  private readonly controller = new AbortController();
  private open = 0;
  private bytes = 0;
  private last = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;

  /** `timeoutMs` 0 never fails the pull. */
  constructor(
    private readonly timeoutMs: number,
    private readonly what: string,
  ) {
    if (timeoutMs > 0) {
      this.timer = setInterval(() => this.check(), Math.min(1000, Math.max(20, timeoutMs / 10)));
      this.timer.unref();
    }
  }

  /** Aborts every request of the pull once it has stalled. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The error the pull failed with, if it stalled. */
  get stalled(): BerthError | undefined {
    return this.controller.signal.aborted ? (this.controller.signal.reason as BerthError) : undefined;
  }

  /** A request was sent; the function returned marks it finished (once). */
  opened(): () => void {
    if (this.open++ === 0) this.restart();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.open--;
      this.restart();
    };
  }

  /** Bytes arrived from the registry. */
  readonly data = (chunk: Buffer): void => {
    this.bytes += chunk.length;
    if (this.bytes >= PROGRESS_BYTES) this.restart();
  };

  private restart(): void {
    this.last = Date.now();
    this.bytes = 0;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private check(): void {
    if (this.open === 0 || this.controller.signal.aborted) return;
    const idle = Date.now() - this.last;
    if (idle < this.timeoutMs) return;
    this.stop();
    this.controller.abort(
      new BerthError(
        'UNAVAILABLE',
        `${this.what}: no progress from the registry for ${Math.round(idle / 100) / 10}s (${this.bytes} bytes; image_pull_progress_timeout)`,
      ),
    );
  }
}
