import { spawn, type ChildProcess } from 'node:child_process';
import * as pty from 'node-pty';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { execFile } from '../host/exec.js';
import { BerthError, internal } from '../errors.js';
import { which } from '../host/which.js';
import { privateDir } from '../host/private-dir.js';
import { isMonitorOf, killTree } from '../host/processes.js';

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

/**
 * runc (or crun) driven through conmon, as CRI-O does: conmon creates the
 * container, holds its stdio, writes the CRI log and records the exit code
 * in the exit dir, so nothing of a container lives in berthd.
 */
export class OciRuntime {
  readonly root: string;
  readonly exitDir: string;
  private readonly socketDir: string;

  private readonly s: RuntimeSettings;

  /** Throws a StartupError-worthy message if runc/crun or conmon is not there. */
  constructor(settings: RuntimeSettings) {
    const runtime = which(settings.runtime);
    const conmon = which(settings.conmon);
    if (!runtime) throw new Error(`OCI runtime ${settings.runtime} not found (set runtime / --runtime)`);
    if (!conmon) throw new Error(`conmon ${settings.conmon} not found (set conmon / --conmon)`);
    this.s = { ...settings, runtime, conmon };
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
    const child = spawn(this.s.conmon, args, {
      cwd: o.bundle,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: { ...process.env, _OCI_SYNCPIPE: '3' },
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const spawned = new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', (err) => reject(internal(`start ${this.s.conmon}: ${err.message}`)));
    });
    await spawned;
    let msg;
    try {
      msg = await readSyncMessage(child.stdio[3] as Readable, this.s.createTimeoutMs ?? 60_000);
    } catch (err) {
      this.killMonitor(id, o.bundle, child.pid);
      throw stderr.trim() ? internal(`conmon: ${stderr.trim()}`) : err;
    } finally {
      child.stderr!.destroy();
      child.unref();
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

  async start(id: string): Promise<void> {
    await this.run(['start', id], `start ${id}`);
  }

  /** Sends a signal to the container's init, or with `all` to every process in it. */
  async kill(id: string, signal: string, all = false): Promise<void> {
    await this.run(['kill', ...(all ? ['--all'] : []), id, signal], `kill ${id}`);
  }

  async delete(id: string): Promise<void> {
    const r = await execFile(this.s.runtime, [`--root=${this.root}`, 'delete', '--force', id], { timeoutMs: 60_000 });
    if (r.code !== 0 && !/does not exist|not found/.test(r.stderr)) throw internal(`delete ${id}: ${cleanRuntimeError(r.stderr)}`);
  }

  private execArgs(id: string, o: ExecFiles): string[] {
    return [`--root=${this.root}`, '--log', o.logFile, '--log-format', 'json', 'exec', '--process', o.processFile, '--pid-file', o.pidFile, id];
  }

  /**
   * Starts `runtime exec` for a process spec file with pipes for stdio;
   * runc's own errors go to `logFile` (JSON) and, cleaned, to stderr.
   */
  exec(id: string, o: ExecFiles): ChildProcess {
    return spawn(this.s.runtime, this.execArgs(id, o), { stdio: ['pipe', 'pipe', 'pipe'] });
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
