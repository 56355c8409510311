import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { PassThrough, Writable, type Readable } from 'node:stream';
import type { IPty } from 'node-pty';
import { hostExec, type HostExec } from '../host/nsexec.js';
import { inContainerCgroup, killTree } from '../host/processes.js';
import { PRIVATE_FILE } from '../host/private-dir.js';
import type { OciRuntime } from '../oci/runtime.js';
import { nsExecArgs, type ProcessSpec, type RuncState } from './exec-plan.js';

/** A process running in a container, its stdio as streams. */
export interface ExecSession {
  stdout: Readable;
  /** null with a tty: the terminal carries both streams. */
  stderr: Readable | null;
  stdin: Writable;
  /** The process's exit code: 128+N if a signal killed it, 127/126 if it could not be run. */
  exited: Promise<number>;
  /** Kills the process and everything it started. */
  kill(): void;
  /** Sets the terminal's size (tty only; a no-op without one). */
  resize(cols: number, rows: number): void;
}

/** How long runc exec may outlive the process it ran, once that is killed, before it is killed too. */
const RUNC_GRACE_MS = 2000;

const NOT_FOUND = /no such file or directory|executable file not found|not found in \$PATH/;
const NOT_EXECUTABLE = /permission denied|exec format error/;

/** runc exits 255 when it could not start the process; its log says why. */
function execExitCode(code: number, logFile: string): number {
  if (code !== 255) return code;
  let log = '';
  try {
    log = readFileSync(logFile, 'utf8');
  } catch {
    return code;
  }
  if (!log.includes('exec failed')) return code;
  if (NOT_FOUND.test(log)) return 127;
  if (NOT_EXECUTABLE.test(log)) return 126;
  return code;
}


/** Containers whose process spec (and runc state) is kept; past that the least recently exec'd is dropped (ids are never reused, so removed containers age out). */
const PROCESS_SPECS_KEPT = 256;
const processSpecs = new Map<string, { version: string; value: ProcessSpec }>();

/**
 * The process section of a bundle's config.json, parsed once per version
 * of the file: probes exec every few seconds into every container, and
 * reading and parsing the whole file (~9 KiB, mostly the seccomp profile,
 * which runc takes from its own state) cost ~0.7 ms of the event loop per
 * exec here, a stat ~0.06. A rewrite (new resources) changes the version.
 */
function processSpec(bundle: string): ProcessSpec {
  return cachedJson(processSpecs, join(bundle, 'config.json'), (v) => (v as { process: ProcessSpec }).process);
}

/**
 * Runs `cmd` in a running container with `runc exec`, with the container's
 * own process settings (env, cwd, user, capabilities, seccomp, cgroup) from
 * its bundle. Not through conmon: the streams belong to this call, and
 * runc exec hands them to us directly (proxying the pty for a tty).
 */
export function startExec(runtime: OciRuntime, id: string, bundle: string, cmd: string[], tty: boolean): ExecSession {
  const spec = processSpec(bundle);
  const eid = randomBytes(6).toString('hex');
  const files = {
    processFile: join(bundle, `exec-${eid}.json`),
    pidFile: join(bundle, `exec-${eid}.pid`),
    logFile: join(bundle, `exec-${eid}.log`),
  };
  // CRI carries no client environment; a terminal exec gets TERM=xterm over the container's, as containerd's does.
  const env = Array.isArray(spec.env) ? (spec.env as string[]) : [];
  const processEnv = tty ? [...env.filter((e) => !e.startsWith('TERM=')), 'TERM=xterm'] : env;
  writeFileSync(files.processFile, JSON.stringify({ ...spec, env: processEnv, args: cmd, terminal: tty }), { mode: PRIVATE_FILE });
  const cleanup = (code: number) => {
    const out = execExitCode(code, files.logFile);
    for (const f of Object.values(files)) rmSync(f, { force: true });
    return out;
  };
  const killProcess = () => {
    let pid = 0;
    try {
      pid = Number(readFileSync(files.pidFile, 'utf8'));
    } catch {
      /* not started yet */
    }
    if (pid > 0) killTree(pid);
    return pid > 0;
  };
  if (tty) return ttySession(runtime.execTty(id, files), files.pidFile, cleanup, killProcess);
  const child = runtime.exec(id, files);
  const [stdin, stdout, stderr] = child.pipes as [Socket, Socket, Socket];
  let reaped = false;
  // Over when runc is reaped and both pipes have been read to their end, as Node's 'close'.
  const exited = Promise.all([child.exited.finally(() => (reaped = true)), closed(stdout), closed(stderr)]).then(([code]) => cleanup(code));
  stdin.on('error', () => undefined);
  const killRunc = () => {
    // Once reaped, the pid may be another process's.
    if (!reaped) process.kill(child.pid, 'SIGKILL');
  };
  const kill = () => killSession(killProcess, killRunc, exited);
  return { stdout, stderr, stdin, exited, kill, resize: () => undefined };
}

/** Parsed files kept per path and version (mtime, size, inode), least recently used dropped past PROCESS_SPECS_KEPT. */
function cachedJson<T>(cache: Map<string, { version: string; value: T }>, file: string, pick: (parsed: unknown) => T): T {
  const st = statSync(file);
  const version = `${st.mtimeMs}:${st.size}:${st.ino}`;
  const kept = cache.get(file);
  cache.delete(file);
  const value = kept?.version === version ? kept.value : pick(JSON.parse(readFileSync(file, 'utf8')));
  cache.set(file, { version, value });
  if (cache.size > PROCESS_SPECS_KEPT) cache.delete(cache.keys().next().value!);
  return value;
}

const runcStates = new Map<string, { version: string; value: RuncState }>();

/** Per container init (`bundle:pid`): the file with the copy of its seccomp filter ('' if it has none), or why its execs go through runc. */
const seccompCopies = new Map<string, Promise<{ file: string } | { runc: string }>>();

/**
 * The filter runc installed in the container's init, which runc exec would
 * compile again from its state (~16 ms of CPU per exec): copied once per
 * container into its bundle. Only when the init has exactly runc's one
 * filter; a process that added its own makes the copy not runc's.
 */
function seccompCopy(host: HostExec, id: string, pid: number, bundle: string, confined: boolean): Promise<{ file: string } | { runc: string }> {
  const key = `${bundle}:${pid}`;
  let copy = seccompCopies.get(key);
  if (copy) return copy;
  copy = (async () => {
    if (!confined) return { file: '' };
    const file = join(bundle, 'seccomp.bpf');
    if (existsSync(file)) return { file };
    // A pid from a stale state could be another process's by now.
    if (!inContainerCgroup(pid, id)) return { runc: `process ${pid} is not the container's` };
    const filters = host.seccompFilters(pid);
    if (filters !== 1) return { runc: `the container's init has ${filters ?? 'no'} seccomp filters` };
    try {
      // Whole or not at all: a cut filter would still load, and filter less.
      writeFileSync(`${file}.tmp`, await host.seccompFilter(pid), { mode: PRIVATE_FILE });
      renameSync(`${file}.tmp`, file);
      return { file };
    } catch (err) {
      // Worth another try at the next exec (a copy that timed out on a loaded host).
      seccompCopies.delete(key);
      return { runc: `seccomp filter copy: ${(err as Error).message}` };
    }
  })();
  seccompCopies.set(key, copy);
  if (seccompCopies.size > PROCESS_SPECS_KEPT) seccompCopies.delete(seccompCopies.keys().next().value!);
  return copy;
}

/**
 * Runs `cmd`, with no stdin and no terminal, in a running runc container
 * through berth-nsexec (native/nsexec.c), which applies what runc exec
 * would (see exec-plan.ts) without a runc per exec; nothing of it stays in
 * the container once the command ends. Undefined when this exec must go
 * through runc exec instead (another runtime, an AppArmor label, a filter
 * that is not runc's, ...).
 */
export async function startNsExec(runtime: OciRuntime, id: string, bundle: string, cmd: string[], host: HostExec = hostExec): Promise<ExecSession | undefined> {
  const stateFile = runtime.runcStateFile(id);
  if (!stateFile || !host.available()) return undefined;
  let state: RuncState;
  try {
    state = cachedJson(runcStates, stateFile, (v) => v as RuncState);
  } catch {
    return undefined;
  }
  const pid = state.init_process_pid ?? 0;
  const copy = await seccompCopy(host, id, pid, bundle, !!state.config?.seccomp);
  if ('runc' in copy) return undefined;
  const args = nsExecArgs(id, state, processSpec(bundle), cmd, copy.file);
  if (typeof args === 'string') return undefined;
  const child = host.start(args);
  const [, stdout, stderr] = child.pipes as [undefined, Socket, Socket];
  let reaped = false;
  const exited = Promise.all([child.exited.finally(() => (reaped = true)), closed(stdout), closed(stderr)]).then(([code]) => code);
  // berth-nsexec reaps the command and exits: killing the command's tree first leaves no zombie in the container.
  const killProcess = () => {
    const forked = reaped ? [] : host.children(child.pid);
    for (const p of forked) killTree(p);
    return forked.length > 0;
  };
  // SIGTERM: it kills the command if it has forked it, and otherwise forks nothing.
  const killHelper = () => {
    if (!reaped) process.kill(child.pid, 'SIGTERM');
  };
  const stdin = new Writable({ write: (_c, _e, cb) => cb() });
  return { stdout, stderr, stdin, exited, kill: () => killSession(killProcess, killHelper, exited), resize: () => undefined };
}

function closed(s: Socket): Promise<void> {
  return new Promise((resolve) => {
    s.once('error', () => undefined);
    s.once('close', () => resolve());
  });
}

/**
 * runc exec is the child subreaper of what it runs: with the process killed
 * first, runc reaps it and exits. Killed together, the process would stay
 * a zombie in the container until the host's init reaps it, still there
 * for a `pgrep` right after. runc writes the pid file only once the process
 * runs, so a kill asked for before then (a one-second ExecSync timeout on
 * a loaded host) waits for it: killing runc alone would leave the process
 * running in the container. runc goes as well if it outlives the process,
 * or if the process has not started within the grace time.
 */
export function killSession(killProcess: () => boolean, killRunc: () => void, exited: Promise<unknown>, graceMs = RUNC_GRACE_MS): void {
  let over = false;
  void exited.finally(() => (over = true));
  const giveUpAt = Date.now() + graceMs;
  const attempt = () => {
    if (over) return;
    if (killProcess()) {
      const timer = setTimeout(killRunc, graceMs);
      void exited.finally(() => clearTimeout(timer));
    } else if (Date.now() >= giveUpAt) killRunc();
    else setTimeout(attempt, 10);
  };
  attempt();
}

/**
 * Resolves once runc has written the pid file: by then it has put its own
 * terminal in raw mode, so input reaches the container's terminal instead
 * of being taken by the line discipline of runc's.
 */
function started(pidFile: string, exited: Promise<unknown>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => existsSync(pidFile) && done(), 5);
    const done = () => {
      clearInterval(timer);
      resolve();
    };
    void exited.then(done);
  });
}

/** A tty session: one output stream, the terminal's; backpressure by pausing the pty. */
function ttySession(term: IPty, pidFile: string, cleanup: (code: number) => number, killProcess: () => boolean): ExecSession {
  const stdout = new PassThrough();
  term.onData((d: Buffer | string) => {
    if (!stdout.write(d)) {
      term.pause();
      stdout.once('drain', () => term.resume());
    }
  });
  const exited = new Promise<number>((resolve) =>
    term.onExit(({ exitCode, signal }) => {
      stdout.end();
      resolve(signal ? 128 + signal : exitCode);
    }),
  ).then(cleanup);
  const ready = started(pidFile, exited);
  const stdin = new Writable({
    write: (chunk: Buffer, _enc, cb) => {
      void ready.then(() => {
        term.write(chunk);
        cb();
      });
    },
    // End of input on a terminal is ^D, as a shell reading it expects.
    final: (cb) => {
      void ready.then(() => {
        term.write(Buffer.from([4]));
        cb();
      });
    },
  });
  const kill = () => killSession(killProcess, () => term.kill('SIGKILL'), exited);
  let over = false;
  void exited.finally(() => (over = true));
  // runc passes the size of its terminal on to the container's (it handles SIGWINCH).
  const resize = (cols: number, rows: number) => {
    if (!over) term.resize(cols, rows);
  };
  return { stdout, stderr: null, stdin, exited, kill, resize };
}

/**
 * Kills what execs a dead berthd was serving left running (their pid files
 * are still in the bundle), and removes their files.
 */
export function killStaleExecs(id: string, bundle: string): void {
  let names: string[] = [];
  try {
    names = readdirSync(bundle);
  } catch {
    return;
  }
  for (const n of names.filter((f) => /^exec-[0-9a-f]+\.pid$/.test(f))) {
    const pid = Number(readFileSync(join(bundle, n), 'utf8'));
    // After a crash the number may belong to another process by now.
    if (inContainerCgroup(pid, id)) killTree(pid);
  }
  for (const n of names.filter((f) => /^exec-[0-9a-f]+\.(pid|json|log)$/.test(f))) rmSync(join(bundle, n), { force: true });
}
