import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import { host } from './native.js';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** What the child gets as fd 0, 1, 2, …: a pipe whose other end berthd holds, or /dev/null. */
  stdio: ('pipe' | 'ignore')[];
  /** In a session of its own (setsid), as Node's `detached`. */
  detached?: boolean;
}

export interface Spawned {
  pid: number;
  /** Berthd's ends of the 'pipe' fds, by child fd: writable for fd 0, readable for the others. */
  pipes: (Socket | undefined)[];
  /** The exit: `code`, or 128 + the signal that ended it. Reaps the child. */
  exited: Promise<number>;
}

/**
 * Starts a program through berthd's native addon (posix_spawn, a vfork):
 * Node's spawn forks berthd, which on a loaded host blocked the event loop
 * for 20-140 ms per child (measured against 0.4 ms). The child's signals
 * are reset and unblocked as libuv does; a spawn failure (no such binary)
 * throws with the errno's name as code.
 */
export function spawnChild(file: string, args: string[], o: SpawnOptions): Spawned {
  const env = Object.entries(o.env ?? process.env)
    .filter((kv): kv is [string, string] => kv[1] !== undefined)
    .map(([k, v]) => `${k}=${v}`);
  const ours: number[] = [];
  const theirs: number[] = [];
  const fds = o.stdio.map((kind, i) => {
    if (kind === 'ignore') return -1;
    const [r, w] = host.pipe();
    ours[i] = i === 0 ? w : r;
    theirs.push(i === 0 ? r : w);
    return i === 0 ? r : w;
  });
  let pid: number;
  try {
    pid = host.spawn(file, args, env, o.cwd ?? '', fds, !!o.detached);
  } catch (err) {
    for (const fd of ours) if (fd !== undefined) closeSync(fd);
    throw err;
  } finally {
    for (const fd of theirs) closeSync(fd);
  }
  const pipes = o.stdio.map((_, i) => (ours[i] === undefined ? undefined : new Socket({ fd: ours[i], readable: i !== 0, writable: i === 0 })));
  const exited = host.waitChild(pid).then(({ code, signal }) => (code >= 0 ? code : 128 + signal));
  return { pid, pipes, exited };
}

/** Everything a readable pipe brings until its writers have all closed it. */
function drain(s: Socket | undefined): Promise<string> {
  if (!s) return Promise.resolve('');
  return new Promise((resolve) => {
    const out: Buffer[] = [];
    s.on('data', (d: Buffer) => out.push(d));
    s.once('error', () => undefined);
    s.once('close', () => resolve(Buffer.concat(out).toString()));
  });
}

/**
 * Runs a program to completion and collects its output; a spawn failure
 * (no such binary) is a rejection, a non-zero exit is a result.
 */
export async function execFile(file: string, args: string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const child = spawnChild(file, args, { env: opts.env, stdio: ['pipe', 'pipe', 'pipe'] });
  const [stdin, stdoutPipe, stderrPipe] = child.pipes;
  let done = false;
  const timer = opts.timeoutMs
    ? setTimeout(() => {
        if (!done) process.kill(child.pid, 'SIGKILL');
      }, opts.timeoutMs)
    : undefined;
  stdin!.on('error', () => undefined);
  stdin!.end(opts.input ?? '');
  const [code, stdout, stderr] = await Promise.all([child.exited.finally(() => (done = true)), drain(stdoutPipe), drain(stderrPipe)]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}
