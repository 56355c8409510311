import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawnChild } from '../host/exec.js';
import { which } from '../host/which.js';
import { host, MNT_DETACH } from '../host/native.js';
import { failedPrecondition, internal } from '../errors.js';
import { defaultSeccompProfile } from '../oci/seccomp.js';
import { MASKED_PATHS, READONLY_PATHS } from '../oci/spec.js';
import { cleanRuntimeError } from '../oci/runtime.js';
import { clampOomScoreAdj } from '../container/cgroups.js';

const MS_BIND = 4096;
const START_TIMEOUT_MS = 60_000;
const HOLDER_OOM_SCORE_ADJ = -998;
/** The uid and gid the holder runs as when the pod names none: the pause image's. */
const NOBODY = 65535;

export interface PidHolderSettings {
  /** The OCI runtime binary (runc) and its state root, as for containers. */
  runtime: string;
  runtimeRoot: string;
  stateDir: string;
  /** The init that holds the namespace and reaps; Debian's catatonit. */
  init?: string;
}

export interface HolderPod {
  sandboxId: string;
  sandboxDir: string;
  /** Pod namespace files, '' for the host's. */
  netns: string;
  ipcns: string;
  utsns: string;
  cgroupsPath: string;
  uid: number | undefined;
  gid: number | undefined;
}

/**
 * The process that holds a pod-wide PID namespace (pid POD): catatonit as
 * PID 1, run by runc as a container of its own, so that what the pod's
 * containers see as PID 1 has an empty read-only root, no capabilities, no
 * new privileges and the default seccomp profile, not the host's view.
 * It reaps the zombies that containers leave in the namespace. runc exits
 * after starting it: a pod that asks costs one small process; others none.
 * Its namespace is bind-mounted at the sandbox's `pid` file, which is what
 * containers join.
 */
export class PidHolders {
  private readonly rootfs: string;
  private init: string | undefined;

  constructor(private readonly s: PidHolderSettings) {
    this.rootfs = join(s.stateDir, 'pid-holder', 'rootfs');
  }

  static containerId(sandboxId: string): string {
    return `pidns-${sandboxId}`;
  }

  nsPath(sandboxDir: string): string {
    return join(sandboxDir, 'pid');
  }

  /** A read-only root with just the static init in it, shared by every holder. */
  private ensureRootfs(): void {
    if (existsSync(join(this.rootfs, 'init'))) return;
    this.init ??= which(this.s.init ?? 'catatonit');
    if (!this.init) throw failedPrecondition('pid namespace POD needs catatonit (apt-get install catatonit), which is not installed');
    for (const d of ['dev', 'proc']) mkdirSync(join(this.rootfs, d), { recursive: true, mode: 0o755 });
    chmodSync(join(this.s.stateDir, 'pid-holder'), 0o711);
    chmodSync(this.rootfs, 0o755);
    const tmp = join(this.rootfs, `.init-${process.pid}`);
    copyFileSync(this.init, tmp);
    chmodSync(tmp, 0o755);
    renameSync(tmp, join(this.rootfs, 'init'));
  }

  private spec(p: HolderPod): object {
    const namespaces: { type: string; path?: string }[] = [{ type: 'pid' }, { type: 'mount' }];
    if (p.netns) namespaces.push({ type: 'network', path: p.netns });
    if (p.ipcns) namespaces.push({ type: 'ipc', path: p.ipcns });
    if (p.utsns) namespaces.push({ type: 'uts', path: p.utsns });
    return {
      ociVersion: '1.0.2',
      process: {
        terminal: false,
        user: { uid: p.uid ?? NOBODY, gid: p.gid ?? (p.uid === undefined ? NOBODY : 0) },
        args: ['/init', '-P'],
        env: ['PATH=/'],
        cwd: '/',
        capabilities: { bounding: [], effective: [], permitted: [] },
        noNewPrivileges: true,
        // If the OOM killer took PID 1, every process of the pod would go with it (containerd gives pause -998).
        oomScoreAdj: clampOomScoreAdj(HOLDER_OOM_SCORE_ADJ),
      },
      root: { path: this.rootfs, readonly: true },
      mounts: [
        { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
        { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'noexec', 'mode=755', 'size=64k'] },
      ],
      linux: {
        namespaces,
        cgroupsPath: p.cgroupsPath,
        resources: { devices: [{ allow: false, access: 'rwm' }] },
        maskedPaths: MASKED_PATHS,
        readonlyPaths: READONLY_PATHS,
        seccomp: defaultSeccompProfile([]),
      },
    };
  }

  private run(args: string[]) {
    return execFile(this.s.runtime, [`--root=${this.s.runtimeRoot}`, ...args], { timeoutMs: 60_000 });
  }

  /** Starts the holder and pins its PID namespace; on failure nothing is left. */
  async start(p: HolderPod): Promise<void> {
    this.ensureRootfs();
    const id = PidHolders.containerId(p.sandboxId);
    const bundle = join(p.sandboxDir, 'pid-holder');
    mkdirSync(bundle, { recursive: true, mode: 0o700 });
    writeFileSync(join(bundle, 'config.json'), JSON.stringify(this.spec(p)), { mode: 0o600 });
    const pidFile = join(bundle, 'pidfile');
    try {
      // The holder inherits runc's stdio: /dev/null, so nothing of berthd's stays open in it; runc's errors go to a log.
      const log = join(bundle, 'runc.log');
      const child = spawnChild(this.s.runtime, [`--root=${this.s.runtimeRoot}`, '--log', log, 'run', '--detach', '--bundle', bundle, '--pid-file', pidFile, id], {
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      // A runtime that hangs would hold the pod's lock for ever.
      const timer = setTimeout(() => process.kill(child.pid, 'SIGKILL'), START_TIMEOUT_MS);
      const code = await child.exited.finally(() => clearTimeout(timer));
      if (code !== 0) {
        const text = existsSync(log) ? readFileSync(log, 'utf8').slice(-4000) : '';
        throw internal(`start the pod's PID namespace holder: ${cleanRuntimeError(text) || 'exit ' + code}`);
      }
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      const pin = this.nsPath(p.sandboxDir);
      writeFileSync(pin, '');
      host.mount(`/proc/${pid}/ns/pid`, pin, '', MS_BIND, '');
    } catch (err) {
      await this.stop(p.sandboxId).catch(() => undefined);
      this.release(p.sandboxDir);
      throw err;
    }
  }

  /** True while the holder runs; a pod whose holder died cannot start containers in its namespace. */
  async running(sandboxId: string): Promise<boolean> {
    const r = await this.run(['state', PidHolders.containerId(sandboxId)]);
    if (r.code !== 0) return false;
    try {
      return (JSON.parse(r.stdout) as { status?: string }).status === 'running';
    } catch {
      return false;
    }
  }

  /** Kills the holder (and with it, as PID 1, everything left in the namespace) and deletes it from runc. */
  async stop(sandboxId: string): Promise<void> {
    const id = PidHolders.containerId(sandboxId);
    const r = await this.run(['delete', '--force', id]);
    if (r.code !== 0 && !/does not exist|not found/.test(r.stderr))
      throw internal(`stop the pod's PID namespace holder: ${cleanRuntimeError(r.stderr) || 'exit ' + r.code}`);
  }

  /** Unpins the namespace and removes the bundle. */
  release(sandboxDir: string): void {
    const pin = this.nsPath(sandboxDir);
    if (existsSync(pin)) {
      try {
        if (statSync(pin).dev !== statSync(sandboxDir).dev) host.umount2(pin, MNT_DETACH);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL' && (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      rmSync(pin, { force: true });
    }
    rmSync(join(sandboxDir, 'pid-holder'), { recursive: true, force: true });
  }
}
