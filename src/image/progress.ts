import { EventEmitter } from 'node:events';

export interface PullSnapshot {
  image: string;
  layers: { digest: string; size: number; done: number }[];
  total: number;
  done: number;
  finished: boolean;
  error: string;
  startedAtMs: number;
}

/** What every pull in flight has done so far, for berth.v1.PullProgress/Watch. */
export class PullProgressHub extends EventEmitter<{ update: [PullSnapshot] }> {
  private readonly active = new Map<number, PullSnapshot>();
  private nextId = 0;

  begin(image: string): PullTracker {
    const snap: PullSnapshot = { image, layers: [], total: 0, done: 0, finished: false, error: '', startedAtMs: Date.now() };
    const id = this.nextId++;
    this.active.set(id, snap);
    return new PullTracker(snap, () => this.emit('update', snap), () => this.active.delete(id));
  }

  snapshots(): PullSnapshot[] {
    return [...this.active.values()];
  }
}

export class PullTracker {
  private lastEmit = 0;

  constructor(
    private readonly snap: PullSnapshot,
    private readonly emit: () => void,
    private readonly close: () => void,
  ) {}

  setLayers(layers: { digest: string; size: number }[]): void {
    this.snap.layers = layers.map((l) => ({ ...l, done: 0 }));
    this.snap.total = layers.reduce((n, l) => n + l.size, 0);
    this.emit();
  }

  /** Bytes of layer `index` arrived; events are rate-limited to ~10/s. */
  progress(index: number, bytes: number): void {
    const layer = this.snap.layers[index];
    const add = Math.min(bytes, layer.size - layer.done);
    layer.done += add;
    this.snap.done += add;
    const now = Date.now();
    if (now - this.lastEmit >= 100 || layer.done === layer.size) {
      this.lastEmit = now;
      this.emit();
    }
  }

  finish(error?: string): void {
    this.snap.finished = true;
    this.snap.error = error ?? '';
    this.emit();
    this.close();
  }
}
