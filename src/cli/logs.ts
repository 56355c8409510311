import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { RuntimeServiceClient } from '../api/gen/v1/runtime/v1/RuntimeService.js';
import { call } from './client.js';

const RECORD = /^(\S+) (stdout|stderr) ([FP]) (.*)$/;

export interface LogOptions {
  follow: boolean;
  /** Only the last this many lines; undefined: all. */
  tail?: number;
  /** Only lines written at or after this (ms since the epoch). */
  sinceMs?: number;
  timestamps: boolean;
  /** The log of the container's previous attempt (restart). */
  previous: boolean;
  timeoutMs: number;
}

interface Line {
  ts: string;
  stream: 'stdout' | 'stderr';
  text: string;
}

type StatusAnswer = { status: { id: string; state: string; log_path: string; metadata: { attempt: number } | null } };

async function status(c: RuntimeServiceClient, id: string, timeoutMs: number) {
  return (await call<object, StatusAnswer>(c, c.ContainerStatus as never, { container_id: id }, timeoutMs)).status;
}

/** Go's time.ParseDuration for the units a log window uses, in ms; undefined if it is not one. */
export function parseDuration(s: string): number | undefined {
  const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(s)) return undefined;
  let ms = 0;
  for (const [, n, , unit] of s.matchAll(/(\d+(\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(n) * UNITS[unit];
  return ms;
}

/** `--since`: an RFC 3339 time or a duration back from now (crictl's forms); undefined if neither. */
export function parseSince(s: string, now = Date.now()): number | undefined {
  const d = parseDuration(s);
  if (d !== undefined) return now - d;
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Reads a CRI log file as it grows, and across a rotation: the kubelet
 * renames the file and has the runtime reopen it (ReopenContainerLog), so
 * the path then names a new file while the writer may still append to the
 * old one for a moment. The old file is read to its end until the new one
 * has data (the writer has moved), then the new one from its start, as
 * crictl follows. A file cut short in place (copytruncate) is read again
 * from its start. Files rotated away between two reads (200 ms apart) are
 * not seen; the kubelet looks at a container's log every 10 s by default.
 */
class LogReader {
  private fd: number | undefined;
  private ino = -1;
  private offset = 0;
  private rest = '';
  private readonly partial: Record<string, Line | undefined> = {};

  constructor(private readonly path: string) {}

  /** The complete lines written since the last call. */
  read(): Line[] {
    if (this.fd === undefined && !this.open()) return [];
    const lines = this.drain();
    const now = statOrUndefined(this.path);
    if (now && now.ino !== this.ino && now.size > 0) {
      lines.push(...this.drain());
      closeSync(this.fd!);
      this.fd = undefined;
      if (this.open()) lines.push(...this.drain());
    } else if (now && now.ino === this.ino && now.size < this.offset) {
      this.offset = 0;
      this.rest = '';
      lines.push(...this.drain());
    }
    return lines;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): boolean {
    try {
      this.fd = openSync(this.path, 'r');
    } catch {
      return false;
    }
    this.ino = fstatSync(this.fd).ino;
    this.offset = 0;
    this.rest = '';
    return true;
  }

  private drain(): Line[] {
    const size = fstatSync(this.fd!).size;
    if (size <= this.offset) return [];
    const buf = Buffer.alloc(size - this.offset);
    const got = readSync(this.fd!, buf, 0, buf.length, this.offset);
    this.offset += got;
    const records = (this.rest + buf.subarray(0, got).toString()).split('\n');
    this.rest = records.pop() ?? '';
    const lines: Line[] = [];
    for (const rec of records) {
      const m = RECORD.exec(rec);
      if (!m) continue;
      const stream = m[2] as Line['stream'];
      const line = this.partial[stream] ?? { ts: m[1], stream, text: '' };
      line.text += m[4];
      if (m[3] === 'P') this.partial[stream] = line;
      else {
        this.partial[stream] = undefined;
        lines.push(line);
      }
    }
    return lines;
  }
}

function statOrUndefined(path: string): { ino: number; size: number } | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Prints a container's CRI log, each stream to its own fd; P records
 * continue on the next record of their stream. With `follow`, keeps reading
 * (across rotations) until the container has exited and the file has no more.
 */
export async function printLogs(c: RuntimeServiceClient, id: string, o: LogOptions): Promise<void> {
  const st = await status(c, id, o.timeoutMs);
  let path = st.log_path;
  if (!path) throw new Error(`container ${id} has no log file (its pod has no log_directory or it has no log_path)`);
  if (o.previous) {
    const attempt = st.metadata?.attempt ?? 0;
    if (attempt === 0) throw new Error(`container ${id} has no previous attempt (attempt 0): no previous log`);
    // The kubelet names a container's log ATTEMPT.log; the previous attempt's is beside it.
    path = path.replace(/\d+\.log$/, `${attempt - 1}.log`);
  }
  const log = new LogReader(path);
  const recent = (lines: Line[]) => (o.sinceMs === undefined ? lines : lines.filter((l) => Date.parse(l.ts) >= o.sinceMs!));
  const print = (lines: Line[]) => {
    for (const l of recent(lines)) {
      (l.stream === 'stderr' ? process.stderr : process.stdout).write(`${o.timestamps ? l.ts + ' ' : ''}${l.text}\n`);
    }
  };
  try {
    const first = recent(log.read());
    print(o.tail === undefined ? first : o.tail === 0 ? [] : first.slice(-o.tail));
    let state = st.state;
    while (o.follow && !o.previous && state !== 'CONTAINER_EXITED') {
      await new Promise((r) => setTimeout(r, 200));
      print(log.read());
      state = (await status(c, st.id, o.timeoutMs)).state;
    }
    print(log.read());
  } finally {
    log.close();
  }
}
