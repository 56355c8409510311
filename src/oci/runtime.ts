import * as pty from 'node-pty';
import { constants, openSync, readFileSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { constants as osConstants } from 'node:os';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { execFile, spawnChild, type Spawned } from '../host/exec.js';
import { BerthError, internal } from '../errors.js';
import { which } from '../host/which.js';
import { privateDir } from '../host/private-dir.js';
import { isMonitorOf, killTree } from '../host/processes.js';
import { host } from '../host/native.js';
import { killAndRemoveCgroup } from '../host/cgroupfs.js';

export interface RuntimeSettings {
  /** runc or crun */
  runtime: string;
  conmon: string;
  stateDir: string;
  /** How long conmon may take to report the created container (default a minute). */
  createTimeoutMs?: number;
  /** A CRI runtime handler name: its containers' runtime state sits apart from the default runtime's. */
  handler?: string;
}

export interface CreateOptions {
  bundle: string;
  /** Absolute CRI log file, or '' for none. */
  logPath: string;
  tty: boolean;
  stdin: boolean;
  /** With stdin: the first attach's end closes it; otherwise it stays open for the next attach. */
  stdinOnce: boolean;
}

export interface ExecFiles {
  processFile: string;
  pidFile: string;
  logFile: string;
}

/** Why `runtime create` failed, from the runtime's own words. */
export class CreateFailed extends BerthError {
  constructor(readonly reason: string) {
    super('FAILED_PRECONDITION', reason);
  }
}

/** Reads conmon's sync pipe: one JSON line, `{"data": pid}` or `{"data": -1, "message": …}`. */
function readSyncMessage(pipe: Readable, timeoutMs: number): Promise<{ data: number; message?: string }> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => {
      pipe.destroy();
      reject(internal(`conmon gave no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    pipe.on('data', (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      pipe.destroy();
      try {
        resolve(JSON.parse(buf.slice(0, nl)) as { data: number; message?: string });
      } catch {
        reject(internal(`conmon sent ${buf.slice(0, 200)}`));
      }
    });
    pipe.on('end', () => {
      clearTimeout(timer);
      reject(internal('conmon exited without reporting the container'));
    });
    pipe.on('error', () => undefined);
  });
}

/** What berthd knows of a container's process when it asks for a signal. */
export interface SignalTarget {
  /** The container's init, as conmon reported it. */
  pid: number;
  /** Whether the container has a PID namespace of its own: then its init's death ends every process in it. */
  ownPidNamespace: boolean;
}

/**
 * Everything that is left of a file descriptor's input once its writers
 * have all closed it; rejects after `ms`.
 */
function readToEnd(fd: number, ms: number, what: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = new Socket({ fd, readable: true, writable: false });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      sock.destroy();
      reject(internal(`${what}: no answer in ${ms} ms`));
    }, ms);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.once('end', () => {
      clearTimeout(timer);
      sock.destroy();
      resolve(Buffer.concat(chunks));
    });
    sock.once('error', (err) => {
      clearTimeout(timer);
      sock.destroy();
      reject(internal(`${what}: ${err.message}`));
    });
  });
}

/**
 * runc (or crun) driven through conmon, as CRI-O does: conmon creates the
 * container, holds its stdio, writes the CRI log and records the exit code
 * in the exit dir, so nothing of a container lives in berthd.
 *
 * For runc, whose state layout berth knows, start, stop's signals and
 * delete are done without a runc process each (see start, kill, delete):
 * each is a handful of system calls where a runc run costs 20-60 ms.
 */
export class OciRuntime {
  readonly root: string;
  readonly exitDir: string;
  private readonly socketDir: string;

  private readonly s: RuntimeSettings;
  private readonly isRunc: boolean;

  /** Throws a StartupError-worthy message if runc/crun or conmon is not there. */
  constructor(settings: RuntimeSettings) {
    const runtime = which(settings.runtime);
    const conmon = which(settings.conmon);
    if (!runtime) throw new Error(`OCI runtime ${settings.runtime} not found (set runtime / --runtime)`);
    if (!conmon) throw new Error(`conmon ${settings.conmon} not found (set conmon / --conmon)`);
    this.s = { ...settings, runtime, conmon };
    this.isRunc = basename(runtime) === 'runc';
    this.root = settings.handler ? join(settings.stateDir, 'runtimes', settings.handler) : join(settings.stateDir, 'runc');
    this.exitDir = join(settings.stateDir, 'exits');
    this.socketDir = join(settings.stateDir, 'sockets');
    if (settings.handler) privateDir(join(settings.stateDir, 'runtimes'));
    for (const d of [this.root, this.exitDir, this.socketDir]) privateDir(d);
  }

  exitFile(id: string): string {
    return join(this.exitDir, id);
  }

  /** conmon's attach socket for the container (SOCK_SEQPACKET), named by the `-u` prefix given at create. */
  attachSocket(id: string): string {
    return join(this.socketDir, id.slice(0, 20), 'attach');
  }

  /** Starts conmon, which runs `runtime create`; resolves with the container's pid. */
  async create(id: string, name: string, o: CreateOptions): Promise<{ pid: number }> {
    const args = [
      '--api-version',
      '-c', id,
      // The attach socket path must fit a sockaddr_un; a unique prefix does.
      '-u', id.slice(0, 20),
      '-n', name,
      '-r', this.s.runtime,
      '-b', o.bundle,
      '-p', join(o.bundle, 'pidfile'),
      '-P', join(o.bundle, 'conmon.pid'),
      '--persist-dir', o.bundle,
      '--exit-dir', this.exitDir,
      '--socket-dir-path', this.socketDir,
      '--log-level', 'error',
      '--runtime-arg', `--root=${this.root}`,
      '-l', o.logPath ? `k8s-file:${o.logPath}` : 'none:',
    ];
    if (o.tty) args.push('-t');
    if (o.stdin) args.push('-i');
    if (o.stdin && !o.stdinOnce) args.push('--leave-stdin-open');
    let child;
    try {
      child = spawnChild(this.s.conmon, args, { cwd: o.bundle, detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: { ...process.env, _OCI_SYNCPIPE: '3' } });
    } catch (err) {
      throw internal(`start ${this.s.conmon}: ${(err as Error).message}`);
    }
    // conmon's first process exits once it has forked the monitor; this reaps it.
    void child.exited.catch(() => undefined);
    const [, , stderrPipe, syncPipe] = child.pipes;
    let stderr = '';
    stderrPipe!.on('data', (d: Buffer) => (stderr += d.toString()));
    stderrPipe!.on('error', () => undefined);
    let msg;
    try {
      msg = await readSyncMessage(syncPipe!, this.s.createTimeoutMs ?? 60_000);
    } catch (err) {
      this.killMonitor(id, o.bundle, child.pid);
      throw stderr.trim() ? internal(`conmon: ${stderr.trim()}`) : err;
    } finally {
      stderrPipe!.destroy();
    }
    if (msg.data < 0) {
      this.killMonitor(id, o.bundle, child.pid);
      throw new CreateFailed(cleanRuntimeError(msg.message ?? stderr));
    }
    return { pid: msg.data };
  }

  /**
   * Kills the conmon of a create that failed or hung (the one spawned, and
   * the monitor it forked), with all it started: `runtime create` and what
   * that left. Only processes that still name the container are touched.
   */
  private killMonitor(id: string, bundle: string, spawned: number | undefined): void {
    const pids = [spawned ?? 0];
    try {
      pids.push(Number(readFileSync(join(bundle, 'conmon.pid'), 'utf8')));
    } catch {
      /* conmon did not get as far as its pid file */
    }
    for (const pid of pids) if (isMonitorOf(pid, id)) killTree(pid);
  }

  private async run(args: string[], what: string): Promise<string> {
    const r = await execFile(this.s.runtime, [`--root=${this.root}`, ...args], { timeoutMs: 60_000 });
    if (r.code !== 0) throw internal(`${what}: ${cleanRuntimeError(r.stderr) || 'exit ' + r.code}`);
    return r.stdout;
  }

  /**
   * Lets a created container's process run. For runc this is what `runc
   * start` does: runc init waits, blocked opening the container's
   * exec.fifo for writing, until someone opens it for reading; it then
   * writes a byte and execs the process, which closes its end. The byte and
   * that end mean started; the fifo is removed after, which is what runc
   * tells a running container from a created one by.
   */
  async start(id: string): Promise<void> {
    const fifo = join(this.root, id, 'exec.fifo');
    let fd: number | undefined;
    if (this.isRunc) {
      try {
        fd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
      } catch {
        /* no fifo: not a created container; runc says what it is */
      }
    }
    if (fd === undefined) {
      await this.run(['start', id], `start ${id}`);
      return;
    }
    const got = await readToEnd(fd, this.s.createTimeoutMs ?? 60_000, `start ${id}`);
    if (!got.length) throw internal(`start ${id}: the container's process ended before it was started`);
    rmSync(fifo, { force: true });
  }

  /**
   * Sends a signal to the container's init, or with `all` to every process
   * in it. For runc, when the signal goes to init alone, or the container
   * has a PID namespace of its own (whose processes all die with a
   * SIGKILLed init), it is sent straight to the init through a pidfd once
   * the process is checked to be still the container's; runc kill does
   * no more than that then.
   */
  async kill(id: string, signal: string, all = false, target?: SignalTarget): Promise<void> {
    const num = /^\d+$/.test(signal) ? Number(signal) : osConstants.signals[signal as keyof typeof osConstants.signals];
    if (this.isRunc && target && target.pid > 0 && num !== undefined && (!all || (target.ownPidNamespace && num === osConstants.signals.SIGKILL))) {
      host.pidfdSignal(target.pid, num, id);
      return;
    }
    await this.run(['kill', ...(all ? ['--all'] : []), id, signal], `kill ${id}`);
  }

  /**
   * Deletes the runtime's container, killing what is left of it. For runc,
   * given the container's cgroups path, this is what `runc delete --force`
   * does: every process left in the container's cgroups is killed, the
   * cgroups are removed, and so is runc's state dir of the container.
   */
  async delete(id: string, cgroupsPath?: string): Promise<void> {
    if (this.isRunc && cgroupsPath) {
      const left = await killAndRemoveCgroup(cgroupsPath);
      if (left.length) throw internal(`delete ${id}: cgroups ${left.join(', ')} could not be removed`);
      rmSync(join(this.root, id), { recursive: true, force: true });
      return;
    }
    const r = await execFile(this.s.runtime, [`--root=${this.root}`, 'delete', '--force', id], { timeoutMs: 60_000 });
    if (r.code !== 0 && !/does not exist|not found/.test(r.stderr)) throw internal(`delete ${id}: ${cleanRuntimeError(r.stderr)}`);
  }

  /** runc's state.json of the container, which `runc exec` reads; undefined for another runtime. */
  runcStateFile(id: string): string | undefined {
    return this.isRunc ? join(this.root, id, 'state.json') : undefined;
  }

  private execArgs(id: string, o: ExecFiles): string[] {
    return [`--root=${this.root}`, '--log', o.logFile, '--log-format', 'json', 'exec', '--process', o.processFile, '--pid-file', o.pidFile, id];
  }

  /**
   * Starts `runtime exec` for a process spec file with pipes for stdio, by
   * posix_spawn as every child of berthd (no fork of berthd per exec);
   * runc's own errors go to `logFile` (JSON) and, cleaned, to stderr.
   */
  exec(id: string, o: ExecFiles): Spawned {
    return spawnChild(this.s.runtime, this.execArgs(id, o), { stdio: ['pipe', 'pipe', 'pipe'] });
  }

  /**
   * The same for a spec with a terminal: runc, not detached, proxies the
   * container's pty over its own stdio, and insists that be a controlling
   * terminal, so it runs on a pty of its own.
   */
  execTty(id: string, o: ExecFiles): pty.IPty {
    return pty.spawn(this.s.runtime, this.execArgs(id, o), { name: 'xterm', cols: 80, rows: 24, encoding: null, env: process.env as Record<string, string> });
  }

  /** New cgroup limits for a running container: runtime-spec LinuxResources on stdin to `runtime update`. */
  async update(id: string, resources: object): Promise<void> {
    const r = await execFile(this.s.runtime, [`--root=${this.root}`, 'update', '--resources', '-', id], { input: JSON.stringify(resources), timeoutMs: 60_000 });
    if (r.code !== 0) throw new BerthError('FAILED_PRECONDITION', `update resources of ${id}: ${cleanRuntimeError(r.stderr) || 'exit ' + r.code}`);
  }

  private features: Promise<string[] | undefined> | undefined;

  /** The mount options `runtime features` lists (runc >= 1.1); undefined for a runtime without the command. */
  mountOptions(): Promise<string[] | undefined> {
    this.features ??= execFile(this.s.runtime, ['features'], { timeoutMs: 30_000 }).then(
      (r) => {
        try {
          const f = JSON.parse(r.stdout) as { mountOptions?: unknown };
          return Array.isArray(f.mountOptions) ? f.mountOptions.filter((o): o is string => typeof o === 'string') : undefined;
        } catch {
          return undefined;
        }
      },
      () => undefined,
    );
    return this.features;
  }

  /** The runtime's view of a container, or undefined if it has none. */
  async state(id: string): Promise<{ status: string; pid: number } | undefined> {
    const r = await execFile(this.s.runtime, [`--root=${this.root}`, 'state', id], { timeoutMs: 60_000 });
    if (r.code !== 0) return undefined;
    return JSON.parse(r.stdout) as { status: string; pid: number };
  }
}

/** runc's logfmt lines (`time=… level=error msg="…"`) down to the message. */
export function cleanRuntimeError(text: string): string {
  const msgs = [...text.matchAll(/msg="((?:[^"\\]|\\.)*)"/g)].map((m) => m[1].replace(/\\"/g, '"'));
  const out = (msgs.length ? msgs[msgs.length - 1] : text).trim();
  return out.length > 600 ? out.slice(0, 600) + '…' : out;
}
