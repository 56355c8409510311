import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, watch, writeFileSync, rmSync, type FSWatcher } from 'node:fs';
import { rm } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../daemon/log.js';
import { BerthError, failedPrecondition, internal, notFound, withContext } from '../errors.js';
import { newId, nowNs, resolvePrefix } from '../ids.js';
import { KeyedLock } from '../keyed-lock.js';
import type { ContainerRecord, ContainerState, ContainerStore } from '../store/container-store.js';
import type { Sandboxes } from '../sandbox/sandboxes.js';
import type { Images } from '../image/images.js';
import type { LayerStore } from '../image/layer-store.js';
import { CreateFailed, type OciRuntime } from '../oci/runtime.js';
import { buildOciSpec, ociResources } from '../oci/spec.js';
import { effectiveCapabilities } from '../oci/capabilities.js';
import { ambientCapabilities, podContext } from './pod-context.js';
import { processArgs, processEnv, resolveUser } from './process.js';
import { mountRootfs, removeDirs, unmountRootfs } from './rootfs.js';
import { clampOomScoreAdj, containerCgroupsPath } from './cgroups.js';
import type { ContainerSpec, ResourcesSpec } from './spec.js';
import { mergeResources, writeBundleResources } from './update-resources.js';
import { startExec, startNsExec, killStaleExecs, type ExecSession } from './exec.js';
import { attachContainer, type AttachSession } from './attach.js';
import { prepareContainerLog } from './log-file.js';
import { killAndRemoveCgroup } from '../host/cgroupfs.js';
import { inContainerCgroup, isMonitorOf, ProcessHandle } from '../host/processes.js';
import { PRIVATE_FILE, privateDir } from '../host/private-dir.js';
import type { EventHub, LifecycleEvent } from '../events/hub.js';

export interface ContainerFilter {
  id?: string;
  name?: string;
  state?: Exclude<ContainerState, 'creating'>;
  sandboxId?: string;
  labels?: Record<string, string>;
}

export interface ContainersDeps {
  store: ContainerStore;
  sandboxes: Sandboxes;
  images: Images;
  layers: LayerStore;
  runtime: OciRuntime;
  /** The runtimes of configured CRI runtime handlers, by name; pods with handler '' use `runtime`. */
  handlers?: Record<string, OciRuntime>;
  stateDir: string;
  rootDir: string;
  log: Logger;
  /** Called when a container's layers may no longer be in use (image GC runs then). */
  onLayersReleased?: () => void;
  /** Where lifecycle events go (GetContainerEvents). */
  events?: EventHub;
}

const KILL_WAIT_MS = 10_000;

/** Alive, and not a zombie: an orphan's new parent may never reap it. */
function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

interface BundleFacts {
  cgroupsPath: string;
  /** The container has a PID namespace of its own. */
  ownPidNamespace: boolean;
}

type OciLinux = { cgroupsPath?: string; namespaces?: { type: string; path?: string }[] } | undefined;

function factsOf(linux: OciLinux): BundleFacts {
  return { cgroupsPath: linux?.cgroupsPath ?? '', ownPidNamespace: !!linux?.namespaces?.some((n) => n.type === 'pid' && !n.path) };
}

/** What a bundle's config.json gave runc. */
function bundleFacts(bundle: string): BundleFacts {
  try {
    return factsOf((JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as { linux?: OciLinux }).linux);
  } catch {
    return factsOf(undefined);
  }
}

/** Moves a dir out of the way (gone: nothing to do); the rename is one system call, whatever the dir holds. */
function moveAside(dir: string, to: string): void {
  try {
    renameSync(dir, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

function stopSignal(configured: string | undefined): string {
  const s = (configured ?? '').trim().toUpperCase();
  if (!s) return 'SIGTERM';
  if (/^\d+$/.test(s)) return s;
  const name = s.startsWith('SIG') ? s : `SIG${s}`;
  return name in osConstants.signals ? name : 'SIGTERM';
}

/** Containers: OCI bundles over overlay roots, run by runc under conmon. */
export class Containers {
  readonly lock = new KeyedLock();
  private readonly exitWaiters = new Map<string, Set<() => void>>();
  private readonly execs = new Map<string, Set<ExecSession>>();
  /** Each RUNNING container's conmon, once checked to be its monitor. */
  private readonly monitors = new Map<string, ProcessHandle>();
  /** What visible() made of the store's last records (kept while the store gives the same array). */
  private lastVisible: { rows: readonly ContainerRecord[]; recs: ContainerRecord[]; running: ContainerRecord[] } | undefined;
  private watcher: FSWatcher | undefined;
  /** What each container's config.json gave runc, as stop and remove need it (read from the file after a restart). */
  private readonly facts = new Map<string, BundleFacts>();

  constructor(private readonly d: ContainersDeps) {
    // Bundles hold the overlay root and config.json: root's alone, also those an older berthd made.
    const bundles = privateDir(join(d.stateDir, 'containers'));
    for (const id of readdirSync(bundles)) if (/^[0-9a-f]{64}$/.test(id)) privateDir(join(bundles, id));
    privateDir(join(d.rootDir, 'containers'));
    privateDir(this.trash('state'));
    privateDir(this.trash('root'));
  }

  /**
   * Where a removed container's bundle and writable layer go, in one
   * rename each, to be deleted after its record is gone: deleting a layer
   * the container wrote much to is the slow part of a remove. Each is on
   * the file system of the dir it comes from.
   */
  private trash(fs: 'state' | 'root'): string {
    return join(fs === 'state' ? this.d.stateDir : this.d.rootDir, 'trash');
  }

  private bundleFacts(rec: ContainerRecord): BundleFacts {
    let f = this.facts.get(rec.id);
    if (!f) this.facts.set(rec.id, (f = bundleFacts(rec.bundle)));
    return f;
  }

  /** Deletes a removed container's files moved to the trash, off the event loop. */
  private discard(path: string): void {
    void rm(path, { recursive: true, force: true }).catch((err: unknown) =>
      this.d.log.error({ dir: path, err: (err as Error).message }, "deleting a removed container's files failed"),
    );
  }

  /** Learns of exits from conmon's exit files through inotify, not by polling containers. */
  watchExits(): void {
    this.watcher = watch(this.d.runtime.exitDir, (_event, file) => {
      if (!file || !/^[0-9a-f]{64}$/.test(file) || !existsSync(this.d.runtime.exitFile(file))) return;
      for (const w of this.exitWaiters.get(file) ?? []) w();
      void this.lock
        .run(file, async () => this.recordExit(file))
        .catch((err: unknown) => this.d.log.error({ container: file, err: (err as Error).message }, 'recording an exit failed'));
    });
  }

  close(): void {
    this.watcher?.close();
  }

  private emit(rec: ContainerRecord, type: LifecycleEvent): void {
    this.d.events?.publish(rec.id, rec.sandboxId, type);
  }

  private waitExit(id: string, ms: number): Promise<boolean> {
    if (existsSync(this.d.runtime.exitFile(id))) return Promise.resolve(true);
    return new Promise((resolve) => {
      let set = this.exitWaiters.get(id);
      if (!set) this.exitWaiters.set(id, (set = new Set()));
      const done = (ok: boolean) => {
        clearTimeout(timer);
        clearInterval(poll);
        set!.delete(wake);
        if (!set!.size) this.exitWaiters.delete(id);
        resolve(ok);
      };
      const wake = () => done(true);
      set.add(wake);
      const timer = setTimeout(() => done(existsSync(this.d.runtime.exitFile(id))), ms);
      // inotify may coalesce events under load; a slow check backs it up while someone waits.
      const poll = setInterval(() => existsSync(this.d.runtime.exitFile(id)) && done(true), 250);
    });
  }

  /**
   * Runs a command in a RUNNING container; the session ends when the process or the container does.
   * Without a terminal and stdin (`stdin` false: ExecSync) it goes through berth-nsexec where runc exec is not needed.
   */
  async exec(idOrPrefix: string, cmd: string[], tty: boolean, stdin = true): Promise<ExecSession> {
    const rec = this.get(idOrPrefix);
    if (rec.state !== 'RUNNING') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not RUNNING`);
    const session = (!tty && !stdin && (await startNsExec(this.rt(rec), rec.id, rec.bundle, cmd))) || startExec(this.rt(rec), rec.id, rec.bundle, cmd, tty);
    let set = this.execs.get(rec.id);
    if (!set) this.execs.set(rec.id, (set = new Set()));
    set.add(session);
    void session.exited.finally(() => {
      set!.delete(session);
      if (!set!.size) this.execs.delete(rec.id);
    });
    return session;
  }

  /** Attaches to a RUNNING container's own stdio, as conmon holds it; the container carries on after. */
  attach(idOrPrefix: string): AttachSession {
    const rec = this.get(idOrPrefix);
    if (rec.state !== 'RUNNING') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not RUNNING`);
    return attachContainer(this.rt(rec).attachSocket(rec.id), rec.bundle, { tty: rec.spec.tty, stdin: rec.spec.stdin, stdinOnce: rec.spec.stdinOnce });
  }

  /** The runtime of the container's pod's handler; its exits still come through the one exit dir. */
  private rt(rec: { sandboxId: string }): OciRuntime {
    const handler = this.d.sandboxes.find(rec.sandboxId)?.spec.runtimeHandler ?? '';
    return (handler && this.d.handlers?.[handler]) || this.d.runtime;
  }

  private bundle(id: string): string {
    return join(this.d.stateDir, 'containers', id);
  }

  find(idOrPrefix: string): ContainerRecord | undefined {
    const id = resolvePrefix(idOrPrefix, (p) => this.d.store.idsByPrefix(p), 'container');
    const rec = id ? this.d.store.get(id) : undefined;
    return rec && rec.state !== 'creating' ? this.refresh(rec) : undefined;
  }

  get(idOrPrefix: string): ContainerRecord {
    const rec = this.find(idOrPrefix);
    if (!rec) throw notFound(`container ${idOrPrefix} not found`);
    return rec;
  }

  /**
   * Only the containers the filter can select are refreshed; the state is
   * filtered on as refreshed. The records are the store's, frozen and
   * shared by every List until the next write: not to be changed.
   */
  list(f: ContainerFilter = {}): ContainerRecord[] {
    const labels = Object.entries(f.labels ?? {});
    const all = this.visible();
    const recs =
      f.id || f.name || f.sandboxId || labels.length
        ? all.recs.filter(
            (c) =>
              (!f.id || c.id.startsWith(f.id)) &&
              (!f.name || c.spec.name === f.name) &&
              (!f.sandboxId || c.sandboxId.startsWith(f.sandboxId)) &&
              labels.every(([k, v]) => c.spec.labels[k] === v),
          )
        : all.recs;
    const running = recs === all.recs ? all.running : recs.filter((c) => c.state === 'RUNNING');
    // One read of the exit dir instead of a stat per container.
    const exits = running.length ? this.exitFiles() : new Set<string>();
    if (recs === all.recs) this.keepMonitorsOf(running);
    const monitored = this.monitoredAlive(running);
    // Every RUNNING one's held conmon alive, no exit file, and no monitor held for another: each record is as stored.
    const asStored = this.monitors.size === running.length && running.every((c) => monitored.has(c.id) && !exits.has(c.id));
    const now = asStored ? recs : recs.map((c) => this.refresh(c, exits, monitored));
    return now.filter((c) => !f.state || c.state === f.state);
  }

  /** The store's records but those being created, and the RUNNING ones, made again only when the store's rows change. */
  private visible(): { rows: readonly ContainerRecord[]; recs: ContainerRecord[]; running: ContainerRecord[] } {
    const rows = this.d.store.listShared();
    if (this.lastVisible?.rows !== rows) {
      const recs = rows.filter((c) => c.state !== 'creating');
      this.lastVisible = { rows, recs, running: recs.filter((c) => c.state === 'RUNNING') };
    }
    return this.lastVisible;
  }

  /** The containers whose held conmon is alive, from one poll of all their pidfds. */
  private monitoredAlive(running: ContainerRecord[]): Set<string> {
    const held = running.filter((c) => this.monitors.has(c.id));
    const alive = ProcessHandle.aliveAll(held.map((c) => this.monitors.get(c.id)!));
    return new Set(held.filter((_, i) => alive[i]).map((c) => c.id));
  }

  /** What is known of the monitors of containers no longer RUNNING (or gone) is dropped. */
  private keepMonitorsOf(running: ContainerRecord[]): void {
    if (this.monitors.size <= running.length) return;
    const ids = new Set(running.map((c) => c.id));
    for (const id of this.monitors.keys()) if (!ids.has(id)) this.forgetMonitor(id);
  }

  private forgetMonitor(id: string): void {
    this.monitors.get(id)?.close();
    this.monitors.delete(id);
  }

  private exitFiles(): Set<string> {
    try {
      return new Set(readdirSync(this.d.runtime.exitDir));
    } catch {
      return new Set();
    }
  }

  /**
   * The record as it is now, written nowhere (reads never write): a RUNNING
   * container whose exit file exists (its inotify event may still be
   * queued), or whose conmon and process are both gone, is shown EXITED,
   * and the exit is recorded through the one locked path.
   */
  private refresh(rec: ContainerRecord, exits?: Set<string>, monitored?: Set<string>): ContainerRecord {
    if (rec.state !== 'RUNNING' && this.monitors.has(rec.id)) this.forgetMonitor(rec.id);
    if (rec.state !== 'RUNNING' || !this.hasExited(rec, exits, monitored)) return rec;
    void this.lock
      .run(rec.id, async () => this.recordExit(rec.id))
      .catch((err: unknown) => this.d.log.error({ container: rec.id, err: (err as Error).message }, 'recording an exit failed'));
    return this.exitView(rec);
  }

  /**
   * An exit file (in `exits` when the caller read the exit dir), or neither
   * conmon nor the container's process left (the pids checked to be still
   * theirs); `monitored` holds the containers whose held conmon the caller
   * found alive.
   */
  private hasExited(rec: ContainerRecord, exits?: Set<string>, monitored?: Set<string>): boolean {
    if (exits ? exits.has(rec.id) : existsSync(this.d.runtime.exitFile(rec.id))) return true;
    if (monitored?.has(rec.id)) return false;
    return !this.conmonAlive(rec) && !(processAlive(rec.pid) && inContainerCgroup(rec.pid, rec.id));
  }

  /**
   * conmon, once checked to be the container's (its pid file, its argv), is
   * held by a ProcessHandle: later checks are one poll for all of a List's
   * containers, not three files per container and List.
   */
  private conmonAlive(rec: ContainerRecord): boolean {
    if (this.monitors.get(rec.id)?.alive()) return true;
    this.forgetMonitor(rec.id);
    let pid: number;
    try {
      pid = Number(readFileSync(join(rec.bundle, 'conmon.pid'), 'utf8'));
    } catch {
      return false;
    }
    // Held before its argv is read and found alive after: the argv checked was this process's.
    const conmon = ProcessHandle.open(pid);
    if (!conmon) return false;
    if (!isMonitorOf(pid, rec.id) || !conmon.alive()) {
      conmon.close();
      return false;
    }
    this.monitors.set(rec.id, conmon);
    return true;
  }

  /**
   * Under the pod's lock, so that a pod being stopped or removed cannot gain
   * a container half-way (the same order, pod then container, as stop and
   * remove take).
   */
  async create(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const pod = this.d.sandboxes.get(sandboxId);
    return this.d.sandboxes.lock.run(pod.id, () => this.createInPod(sandboxId, spec));
  }

  private async createInPod(sandboxId: string, spec: ContainerSpec): Promise<string> {
    const sandbox = this.d.sandboxes.requireReady(sandboxId);
    const image = this.d.images.find(spec.image);
    if (!image) throw notFound(`image ${spec.image} not found: pull it first`);
    const logPath = sandbox.spec.logDirectory && spec.logPath ? join(sandbox.spec.logDirectory, spec.logPath) : '';
    const id = newId();
    const rec: ContainerRecord = {
      id,
      sandboxId: sandbox.id,
      state: 'creating',
      createdAt: nowNs(),
      startedAt: '0',
      finishedAt: '0',
      exitCode: 0,
      reason: '',
      spec,
      image: spec.image,
      imageId: image.id,
      layers: image.layers.map((l) => l.diffId),
      bundle: this.bundle(id),
      upper: join(this.d.rootDir, 'containers', id),
      logPath,
      stopSignal: stopSignal(spec.stopSignal || image.config.StopSignal),
      pid: 0,
    };
    this.d.store.insert(rec);
    return this.lock.run(id, async () => {
      try {
        const rootfs = join(rec.bundle, 'rootfs');
        privateDir(rec.bundle);
        const lowers = [...rec.layers].reverse().map((c) => this.d.layers.diffDir(c));
        mountRootfs(rootfs, lowers, join(rec.upper, 'upper'), join(rec.upper, 'work'));
        const user = await resolveUser(spec, image.config, rootfs);
        const args = processArgs(spec, image.config);
        const env = processEnv(spec, image.config, sandbox.hostname);
        const capabilities = effectiveCapabilities(spec.capAdd, spec.capDrop, spec.privileged);
        for (const m of spec.mounts) if (!existsSync(m.hostPath)) mkdirSync(m.hostPath, { recursive: true });
        const sdir = this.d.sandboxes.dir(sandbox.id);
        const ociSpec = await buildOciSpec({
          spec,
          process: { args, env, cwd: spec.workingDir || image.config.WorkingDir || '/', user },
          capabilities,
          ambient: ambientCapabilities(spec),
          runtimeMountOptions: spec.mounts.some((m) => m.recursiveReadonly) ? await this.rt(rec).mountOptions() : undefined,
          oomScoreAdj: clampOomScoreAdj(spec.resources.oomScoreAdj),
          rootfs,
          pod: await podContext(sandbox, sdir, spec, {
            podPidNamespace: (sid) => this.d.sandboxes.podPidNamespace(sid),
            findContainer: (cid) => this.find(cid),
          }),
          cgroupsPath: containerCgroupsPath(this.d.sandboxes.cgroupParent(sandbox), id),
        });
        writeFileSync(join(rec.bundle, 'config.json'), JSON.stringify(ociSpec), { mode: PRIVATE_FILE });
        this.facts.set(id, factsOf(ociSpec.linux as OciLinux));
        rec.state = 'CREATED';
        this.d.store.save(rec);
        this.d.log.info({ container: id, sandbox: sandbox.id, name: spec.name }, 'container created');
        this.emit(rec, 'CREATED');
        return id;
      } catch (err) {
        this.undoCreate(rec);
        throw withContext(`create container ${spec.name}`, err);
      }
    });
  }

  private undoCreate(rec: ContainerRecord): void {
    this.facts.delete(rec.id);
    try {
      unmountRootfs(join(rec.bundle, 'rootfs'));
      removeDirs(rec.bundle, rec.upper);
      this.d.store.delete(rec.id);
    } catch (err) {
      this.d.log.error({ container: rec.id, err: (err as Error).message }, 'undo of a failed create failed');
    }
  }

  /** CREATED → RUNNING. A process that cannot start leaves the container EXITED with the reason. */
  async start(idOrPrefix: string): Promise<void> {
    const found = this.get(idOrPrefix);
    await this.lock.run(found.id, async () => {
      const rec = this.d.store.get(found.id)!;
      if (rec.state !== 'CREATED') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not CREATED`);
      if (rec.logPath) {
        try {
          prepareContainerLog(rec.logPath, rec.spec.logPath);
        } catch (err) {
          throw withContext(`start container ${rec.id}`, err);
        }
      }
      const t0 = performance.now();
      let t1 = t0;
      try {
        const { pid } = await this.rt(rec).create(rec.id, rec.spec.name, {
          bundle: rec.bundle,
          logPath: rec.logPath,
          tty: rec.spec.tty,
          stdin: rec.spec.stdin,
          stdinOnce: rec.spec.stdinOnce,
        });
        rec.pid = pid;
        t1 = performance.now();
        await this.rt(rec).start(rec.id);
      } catch (err) {
        const reason = err instanceof CreateFailed ? err.reason : (err as Error).message;
        await this.rt(rec).delete(rec.id).catch(() => undefined);
        // What runc put in the container's cgroups (runc init, or more) when it had no state to delete by.
        const left = await killAndRemoveCgroup(this.bundleFacts(rec).cgroupsPath);
        if (left.length) this.d.log.error({ container: rec.id, cgroups: left }, 'cgroups of a failed start could not be removed');
        rec.state = 'EXITED';
        rec.startedAt = '0';
        rec.finishedAt = nowNs();
        rec.exitCode = 128;
        rec.reason = `StartError: ${reason}`;
        this.d.store.save(rec);
        this.emit(rec, 'STOPPED');
        throw new BerthError('FAILED_PRECONDITION', `start container ${rec.id}: ${reason}`);
      }
      rec.state = 'RUNNING';
      rec.startedAt = nowNs();
      this.d.store.save(rec);
      this.emit(rec, 'STARTED');
      const ms = (a: number, b = performance.now()) => Math.round((b - a) * 10) / 10;
      this.d.log.debug({ container: rec.id, createMs: ms(t0, t1), startMs: ms(t1) }, 'container started');
    });
  }

  /**
   * The record with what conmon wrote when the container exited: exit code,
   * finish time, and OOMKilled if the memory cgroup killed it.
   */
  private exitView(rec: ContainerRecord): ContainerRecord {
    const file = this.d.runtime.exitFile(rec.id);
    let code = 255;
    let finished = nowNs();
    try {
      const n = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isFinite(n) && n >= 0) code = n;
      finished = (BigInt(Math.round(statSync(file).mtimeMs * 1000)) * 1000n).toString();
    } catch {
      /* no exit file: the container is gone without a word (reboot, conmon killed) */
    }
    if (BigInt(finished) < BigInt(rec.startedAt)) finished = rec.startedAt;
    const reason = existsSync(join(rec.bundle, 'oom')) ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error';
    return { ...rec, state: 'EXITED', exitCode: code, finishedAt: finished, reason };
  }

  /** Records the exit (see exitView); called under the container's lock, or at start before serving. Idempotent. */
  private recordExit(id: string): ContainerRecord | undefined {
    const cur = this.d.store.get(id);
    if (!cur || cur.state === 'EXITED' || cur.state === 'creating') return cur;
    if (!existsSync(this.d.runtime.exitFile(id))) this.d.log.warn({ container: id }, 'conmon and the container process are gone without an exit file');
    const rec = this.exitView(cur);
    this.d.store.save(rec);
    this.forgetMonitor(id);
    this.emit(rec, 'STOPPED');
    // Processes exec'd into a container end with it (with host_pid they would outlive its PID namespace).
    for (const s of this.execs.get(id) ?? []) s.kill();
    this.d.log.info({ container: id, exitCode: rec.exitCode, reason: rec.reason }, 'container exited');
    return rec;
  }

  /**
   * New resources for a CREATED or RUNNING container: fields left unset
   * keep their value; a running container's cgroups change at once (runc
   * update), and the record and bundle keep them for its status and start.
   */
  async updateResources(idOrPrefix: string, resources: ResourcesSpec): Promise<void> {
    const found = this.get(idOrPrefix);
    await this.lock.run(found.id, async () => {
      const rec = this.d.store.get(found.id)!;
      if (rec.state !== 'CREATED' && rec.state !== 'RUNNING') throw failedPrecondition(`container ${rec.id} is ${rec.state}: its resources cannot change`);
      const next = mergeResources(rec.spec.resources, resources);
      const payload = ociResources(next);
      if (rec.state === 'RUNNING') await this.rt(rec).update(rec.id, payload);
      writeBundleResources(rec.bundle, payload);
      rec.spec = { ...rec.spec, resources: next };
      this.d.store.save(rec);
    });
  }

  /** Signals the stop signal, waits `timeoutSec`, then SIGKILL; returns once the process is gone. */
  async stop(idOrPrefix: string, timeoutSec: number): Promise<void> {
    const found = this.get(idOrPrefix);
    await this.lock.run(found.id, () => this.stopLocked(found.id, timeoutSec));
  }

  private async stopLocked(id: string, timeoutSec: number): Promise<void> {
    const rec = this.d.store.get(id);
    if (!rec || rec.state === 'EXITED') return;
    if (rec.state === 'CREATED') {
      rec.state = 'EXITED';
      rec.finishedAt = nowNs();
      rec.reason = 'Completed';
      this.d.store.save(rec);
      this.emit(rec, 'STOPPED');
      return;
    }
    const target = { pid: rec.pid, ownPidNamespace: this.bundleFacts(rec).ownPidNamespace };
    if (timeoutSec > 0) {
      await this.rt(rec).kill(id, rec.stopSignal, false, target).catch(() => undefined);
      if (await this.waitExit(id, timeoutSec * 1000)) {
        this.recordExit(id);
        await this.releaseRuntime(rec);
        return;
      }
    }
    await this.rt(rec).kill(id, 'SIGKILL', true, target).catch(() => undefined);
    if (!(await this.waitExit(id, KILL_WAIT_MS)) && (await this.rt(rec).state(id))?.status === 'running')
      throw internal(`container ${id} did not die within ${KILL_WAIT_MS} ms of SIGKILL`);
    this.recordExit(id);
    await this.releaseRuntime(rec);
  }

  /**
   * Once a stop has recorded the exit, what the runtime holds of the
   * container goes (as containerd deletes the task at exit): its cgroups,
   * runc's state and the root's mount. Nothing reads them for an EXITED
   * container (stats read cgroups of RUNNING ones only; the writable layer
   * is the upper dir), and remove, which does the same again, is left a few
   * system calls. A failure here is left to remove.
   */
  private async releaseRuntime(rec: ContainerRecord): Promise<void> {
    try {
      await this.rt(rec).delete(rec.id, this.bundleFacts(rec).cgroupsPath);
      unmountRootfs(join(rec.bundle, 'rootfs'));
    } catch (err) {
      this.d.log.warn({ container: rec.id, err: (err as Error).message }, 'releasing a stopped container\'s runtime state failed; remove will retry');
    }
  }

  /** Force-removes: kill, runtime delete, unmount, files, row. Gone already: nothing to do. */
  async remove(idOrPrefix: string): Promise<void> {
    const found = this.find(idOrPrefix);
    if (!found) return;
    await this.lock.run(found.id, () => this.removeLocked(found.id));
  }

  private async removeLocked(id: string): Promise<void> {
    const rec = this.d.store.get(id);
    if (!rec) return;
    if (rec.state === 'RUNNING') await this.stopLocked(id, 0);
    await this.rt(rec).delete(id, this.bundleFacts(rec).cgroupsPath);
    // Synchronous: a few ms each, where the same through the thread pool
    // waited 5-40 ms behind the deletes of earlier removes' files (timed).
    unmountRootfs(join(rec.bundle, 'rootfs'));
    rmSync(this.d.runtime.exitFile(id), { force: true });
    // A crash from here on leaves the record of a container with nothing left to remove, or files in the trash that the next start deletes.
    const aside = [join(this.trash('state'), id), join(this.trash('root'), id)];
    moveAside(rec.bundle, aside[0]);
    moveAside(rec.upper, aside[1]);
    this.d.store.delete(id);
    this.facts.delete(id);
    this.forgetMonitor(id);
    this.emit(rec, 'DELETED');
    for (const dir of aside) this.discard(dir);
    // The container is gone by now: a sweep that fails is the next one's to finish, not this remove's error.
    try {
      this.d.onLayersReleased?.();
    } catch (err) {
      this.d.log.warn({ container: id, err: (err as Error).message }, 'image garbage collection after a remove failed');
    }
    this.d.log.info({ container: id }, 'container removed');
  }

  async stopAll(sandboxId: string): Promise<void> {
    await Promise.all(this.d.store.inSandbox(sandboxId).map((c) => this.lock.run(c.id, () => this.stopLocked(c.id, 0))));
  }

  async removeAll(sandboxId: string): Promise<void> {
    await Promise.all(this.d.store.inSandbox(sandboxId).map((c) => this.lock.run(c.id, () => this.removeLocked(c.id))));
  }

  /**
   * At start: undo creates a crash interrupted, and record exits that
   * happened while berthd was down (or that a reboot caused).
   */
  async recover(): Promise<void> {
    // What removes had moved aside when berthd last stopped or crashed.
    for (const dir of [this.trash('state'), this.trash('root')]) for (const name of readdirSync(dir)) this.discard(join(dir, name));
    for (const rec of this.d.store.list()) {
      try {
        if (rec.state === 'creating') {
          this.undoCreate(rec);
          continue;
        }
        killStaleExecs(rec.id, rec.bundle);
        if (rec.state === 'RUNNING') {
          // A reboot takes the bundle with the state dir (and may hand the
          // pid to another process); otherwise the rule status uses holds.
          if (!existsSync(rec.bundle) || this.hasExited(rec)) this.recordExit(rec.id);
        } else if (rec.state === 'CREATED' && existsSync(join(rec.bundle, 'config.json'))) {
          // A start cut short by a crash may have left runc's container (and
          // conmon) behind; without them the container can be started again.
          if (await this.rt(rec).state(rec.id)) {
            await this.rt(rec).kill(rec.id, 'SIGKILL', true).catch(() => undefined);
            await this.rt(rec).delete(rec.id);
          }
          rmSync(this.d.runtime.exitFile(rec.id), { force: true });
        } else if (rec.state === 'CREATED') {
          // A reboot took the bundle; the container can never start.
          rec.state = 'EXITED';
          rec.exitCode = 255;
          rec.finishedAt = nowNs();
          rec.reason = 'Error';
          this.d.store.save(rec);
          this.emit(rec, 'STOPPED');
        }
      } catch (err) {
        this.d.log.error({ container: rec.id, err: (err as Error).message }, 'container recovery failed');
      }
    }
  }
}
