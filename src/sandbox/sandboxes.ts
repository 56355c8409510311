import { mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { privateDir } from '../host/private-dir.js';
import { join } from 'node:path';
import type { Logger } from '../daemon/log.js';
import { BerthError, failedPrecondition, invalidArgument, notFound, quote, withContext } from '../errors.js';
import { newId, nowNs, resolvePrefix } from '../ids.js';
import { KeyedLock } from '../keyed-lock.js';
import type { OwedRelease, SandboxRecord, SandboxState, SandboxStore } from '../store/sandbox-store.js';
import type { Attachment, CniNetwork, ConfList } from '../network/cni.js';
import { dropUnpinned, namespacePath, pinNamespaces, unpinNamespaces, type PodNamespace } from './namespaces.js';
import { checkDns, podHostname, writePodFiles } from './files.js';
import type { SandboxSpec } from './spec.js';
import type { ResourcesSpec } from '../container/spec.js';
import { applySysctls, checkSysctls } from './sysctls.js';
import type { PidHolders } from './pid-holder.js';
import { containerCgroupsPath } from '../container/cgroups.js';
import { applyPodCgroup, podCgroupPath, podLimits, removePodCgroup } from './pod-cgroup.js';
import type { EventHub } from '../events/hub.js';

/** What sandboxes need of the containers in them. */
export interface PodContainers {
  /** Kills every container of the sandbox and waits until they are EXITED. */
  stopAll(sandboxId: string): Promise<void>;
  /** Force-removes every container of the sandbox. */
  removeAll(sandboxId: string): Promise<void>;
}

export interface SandboxFilter {
  id?: string;
  name?: string;
  state?: 'READY' | 'NOTREADY';
  labels?: Record<string, string>;
}

export interface SandboxesDeps {
  store: SandboxStore;
  cni: CniNetwork;
  stateDir: string;
  log: Logger;
  /** Starts the processes that hold pid POD namespaces; without it such pods are refused. */
  pidHolders?: PidHolders;
  /** Runtime handler names a pod may ask for besides '' (config runtime_handlers). */
  runtimeHandlers?: string[];
  /** Where the sandbox's own lifecycle events go, as containerd sends them (GetContainerEvents). */
  events?: EventHub;
}

const DEL_RETRY_MS = 10_000;
// With DEL_RETRY_MS, about five minutes of retries.
const MAX_OWED_ATTEMPTS = 30;

/** Pod sandboxes: pinned namespaces, CNI networking, and the pod's files. */
export class Sandboxes {
  readonly lock = new KeyedLock();
  private containers: PodContainers = { stopAll: async () => undefined, removeAll: async () => undefined };
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly d: SandboxesDeps) {
    // Pod dirs hold the pinned namespaces and pod files: root's alone.
    const pods = privateDir(join(d.stateDir, 'sandboxes'));
    for (const id of readdirSync(pods)) if (/^[0-9a-f]{64}$/.test(id)) privateDir(join(pods, id));
  }

  attachContainers(c: PodContainers): void {
    this.containers = c;
  }

  dir(id: string): string {
    return join(this.d.stateDir, 'sandboxes', id);
  }

  private attachment(s: SandboxRecord): Attachment {
    return {
      sandboxId: s.id,
      netns: s.netns || namespacePath(this.dir(s.id), 'net'),
      podName: s.spec.name,
      podNamespace: s.spec.namespace,
      podUid: s.spec.uid,
      portMappings: s.spec.portMappings,
    };
  }

  /** The sandbox an id or unique prefix names, or undefined. */
  find(idOrPrefix: string): SandboxRecord | undefined {
    const id = resolvePrefix(idOrPrefix, (p) => this.d.store.idsByPrefix(p), 'sandbox');
    const rec = id ? this.d.store.get(id) : undefined;
    return rec && rec.state !== 'creating' ? rec : undefined;
  }

  get(idOrPrefix: string): SandboxRecord {
    const rec = this.find(idOrPrefix);
    if (!rec) throw notFound(`sandbox ${idOrPrefix} not found`);
    return rec;
  }

  list(f: SandboxFilter = {}): SandboxRecord[] {
    return this.d.store
      .list()
      .filter((s) => s.state !== 'creating')
      .filter((s) => !f.id || s.id.startsWith(f.id))
      .filter((s) => !f.name || s.spec.name === f.name)
      .filter((s) => !f.state || s.state === f.state)
      .filter((s) => Object.entries(f.labels ?? {}).every(([k, v]) => s.spec.labels[k] === v));
  }

  /** What the host and configuration cannot give a pod is refused before anything is made. */
  private check(spec: SandboxSpec) {
    if (spec.userns !== 'node')
      throw new BerthError('UNIMPLEMENTED', 'user namespaces (userns_options mode POD) are not supported by berth: pods use the host user namespace (mode NODE)');
    if (spec.hostPid && spec.podPid) throw invalidArgument('the pod PID namespace cannot be both NODE and POD');
    if (spec.security.runAsGroup !== undefined && spec.security.runAsUser === undefined)
      throw invalidArgument('the pod security context has run_as_group without run_as_user');
    if (spec.podPid && !this.d.pidHolders) throw failedPrecondition('pid namespace POD is not available: berthd has no PID namespace holder configured');
    if (spec.runtimeHandler && !(this.d.runtimeHandlers ?? []).includes(spec.runtimeHandler))
      throw invalidArgument(
        `runtime handler ${quote(spec.runtimeHandler)} is not configured (configured: ${['""', ...(this.d.runtimeHandlers ?? [])].join(', ')}; see runtime_handlers in the config)`,
      );
    checkDns(spec.dns);
    return checkSysctls(spec.sysctls, { net: !spec.hostNetwork, ipc: !spec.hostIpc });
  }

  /** Creates a sandbox and returns once it is READY; a failure half-way undoes what was done. */
  async create(spec: SandboxSpec): Promise<string> {
    const sysctls = this.check(spec);
    const rec: SandboxRecord = {
      id: newId(),
      state: 'creating',
      createdAt: nowNs(),
      spec,
      hostname: spec.hostNetwork ? '' : podHostname(spec),
      netns: '',
      ip: '',
    };
    this.d.store.insert(rec);
    return this.lock.run(rec.id, async () => {
      const dir = this.dir(rec.id);
      try {
        privateDir(dir);
        if (spec.logDirectory) mkdirSync(spec.logDirectory, { recursive: true, mode: 0o755 });
        const kinds: PodNamespace[] = [];
        if (!spec.hostNetwork) kinds.push('net', 'uts');
        if (!spec.hostIpc) kinds.push('ipc');
        const t0 = performance.now();
        await pinNamespaces(dir, kinds, rec.hostname);
        const t1 = performance.now();
        if (!spec.hostNetwork) {
          rec.netns = namespacePath(dir, 'net');
          rec.cniConflist = this.d.cni.loadConflist();
          this.d.store.save(rec);
          rec.network = await this.d.cni.add(this.attachment(rec), rec.cniConflist);
          rec.ip = rec.network.ip;
        }
        await applySysctls(sysctls, namespacePath(dir, 'net'), namespacePath(dir, 'ipc'));
        if (this.ownsPodCgroup(rec)) applyPodCgroup(podCgroupPath(rec.id), podLimits(spec.resources, spec.overhead));
        if (spec.podPid) await this.startPidHolder(rec);
        writePodFiles(dir, spec, rec.hostname, rec.ip);
        rec.state = 'READY';
        this.d.store.save(rec);
        this.d.events?.publish(rec.id, rec.id, 'CREATED');
        this.d.events?.publish(rec.id, rec.id, 'STARTED');
        const ms = (a: number, b = performance.now()) => Math.round((b - a) * 10) / 10;
        this.d.log.info({ sandbox: rec.id, name: spec.name, namespace: spec.namespace, ip: rec.ip, nsMs: ms(t0, t1), netMs: ms(t1) }, 'sandbox ready');
        return rec.id;
      } catch (err) {
        await this.undoCreate(rec).catch((e: unknown) => this.d.log.error({ sandbox: rec.id, err: e }, 'undo of a failed create failed'));
        throw withContext(`create sandbox ${spec.name}`, err);
      }
    });
  }

  /**
   * Releases whatever a create got to: network, namespaces, files, row.
   * Safe to run twice. If the network cannot be released, the sandbox is
   * kept as NOTREADY with the DEL owed, to be retried and removable later.
   */
  private async undoCreate(rec: SandboxRecord): Promise<void> {
    await this.stopPidHolder(rec);
    if (rec.cniConflist) {
      try {
        await this.delNetwork(rec, rec.cniConflist);
      } catch (err) {
        rec.state = 'NOTREADY';
        rec.pendingDel = true;
        this.d.store.save(rec);
        this.scheduleDelRetry();
        this.d.log.error({ sandbox: rec.id, err: (err as Error).message }, 'network of a failed create not released; kept NOTREADY');
        return;
      }
    }
    this.d.pidHolders?.release(this.dir(rec.id));
    if (this.ownsPodCgroup(rec)) removePodCgroup(podCgroupPath(rec.id));
    await unpinNamespaces(this.dir(rec.id));
    rmSync(this.dir(rec.id), { recursive: true, force: true });
    this.d.store.delete(rec.id);
  }

  /**
   * A pod given resources or overhead but no cgroup_parent gets a cgroup of
   * berth's with those limits; with a cgroup_parent, the kubelet sizes that.
   */
  private ownsPodCgroup(rec: SandboxRecord): boolean {
    return !rec.spec.cgroupParent && !!(rec.spec.resources || rec.spec.overhead);
  }

  /** The cgroup parent of the pod's containers: its cgroup_parent, berth's pod cgroup, or '' (berth's default). */
  cgroupParent(rec: SandboxRecord): string {
    return rec.spec.cgroupParent || (this.ownsPodCgroup(rec) ? podCgroupPath(rec.id) : '');
  }

  private async startPidHolder(rec: SandboxRecord): Promise<void> {
    const dir = this.dir(rec.id);
    const sec = rec.spec.security;
    await this.d.pidHolders!.start({
      sandboxId: rec.id,
      sandboxDir: dir,
      netns: rec.spec.hostNetwork ? '' : namespacePath(dir, 'net'),
      utsns: rec.spec.hostNetwork ? '' : namespacePath(dir, 'uts'),
      ipcns: rec.spec.hostIpc ? '' : namespacePath(dir, 'ipc'),
      cgroupsPath: containerCgroupsPath(this.cgroupParent(rec), `pidns-${rec.id}`),
      uid: sec.runAsUser,
      gid: sec.runAsGroup,
    });
  }

  /** Stopping the holder ends whatever is left in the pod's PID namespace. */
  private async stopPidHolder(rec: SandboxRecord): Promise<void> {
    if (rec.spec.podPid && this.d.pidHolders) await this.d.pidHolders.stop(rec.id);
  }

  /**
   * The pod's shared PID namespace for a container to join (pid POD): the
   * pinned namespace of its holder, which must still run, since a PID
   * namespace whose init is gone takes no new processes.
   */
  async podPidNamespace(sandboxId: string): Promise<string> {
    const rec = this.get(sandboxId);
    if (!rec.spec.podPid || !this.d.pidHolders) throw failedPrecondition(`sandbox ${rec.id} has no pod PID namespace`);
    if (!(await this.d.pidHolders.running(rec.id)))
      throw failedPrecondition(`the process holding the PID namespace of sandbox ${rec.id} is gone; recreate the pod`);
    return this.d.pidHolders.nsPath(this.dir(rec.id));
  }

  /** CNI DEL with what ADD returned, if it got that far. */
  private delNetwork(rec: SandboxRecord, conflist: ConfList): Promise<void> {
    if (rec.netns) dropUnpinned(rec.netns);
    return this.d.cni.del(this.attachment(rec), rec.network ?? { conflist, result: undefined, ip: '' });
  }

  /** Runs CNI DEL if the network is still held; a failure is remembered and retried. */
  private async releaseNetwork(rec: SandboxRecord): Promise<void> {
    const conflist = rec.network?.conflist ?? (rec.pendingDel ? rec.cniConflist : undefined);
    if (!conflist) return;
    try {
      await this.delNetwork(rec, conflist);
    } catch (err) {
      rec.pendingDel = true;
      this.d.store.save(rec);
      this.scheduleDelRetry();
      throw withContext(`release network of sandbox ${rec.id} (will be retried)`, err);
    }
    rec.network = undefined;
    rec.pendingDel = false;
    this.d.store.save(rec);
  }

  async stop(idOrPrefix: string): Promise<void> {
    const found = this.find(idOrPrefix);
    if (!found) throw notFound(`sandbox ${idOrPrefix} not found`);
    await this.lock.run(found.id, async () => {
      await this.containers.stopAll(found.id);
      const rec = this.d.store.get(found.id);
      if (!rec) return;
      await this.stopPidHolder(rec);
      await this.releaseNetwork(rec);
      this.setState(rec, 'NOTREADY');
    });
  }

  private setState(rec: SandboxRecord, state: SandboxState): void {
    if (rec.state === state) return;
    rec.state = state;
    this.d.store.save(rec);
    if (state === 'NOTREADY') this.d.events?.publish(rec.id, rec.id, 'STOPPED');
  }

  /** Force-removes the containers, then every host resource and the row. Gone already: nothing to do. */
  async remove(idOrPrefix: string): Promise<void> {
    const found = this.find(idOrPrefix);
    if (!found) return;
    await this.lock.run(found.id, async () => {
      await this.containers.removeAll(found.id);
      const rec = this.d.store.get(found.id);
      if (!rec) return;
      await this.stopPidHolder(rec);
      let owed: OwedRelease | undefined;
      try {
        await this.releaseNetwork(rec);
      } catch (err) {
        // Some DELs can never succeed (a plugin refusing what it once
        // accepted); the pod goes all the same and berthd owes the release.
        owed = { attachment: this.attachment(rec), network: rec.network ?? { conflist: rec.cniConflist!, result: undefined, ip: rec.ip } };
        this.d.log.warn({ sandbox: rec.id, err: (err as Error).message }, 'network not released; the pod is removed and the release retried');
      }
      this.d.pidHolders?.release(this.dir(rec.id));
      if (this.ownsPodCgroup(rec)) removePodCgroup(podCgroupPath(rec.id));
      await unpinNamespaces(this.dir(rec.id));
      await rm(this.dir(rec.id), { recursive: true, force: true });
      if (owed) {
        this.d.store.deleteOwing(rec.id, owed);
        this.scheduleDelRetry();
      } else this.d.store.delete(rec.id);
      // A READY pod removed stops on the way, as a stop then remove would say.
      if (rec.state === 'READY') this.d.events?.publish(rec.id, rec.id, 'STOPPED', { ...rec, state: 'NOTREADY' });
      this.d.events?.publish(rec.id, rec.id, 'DELETED', { ...rec, state: 'NOTREADY' });
      this.d.log.info({ sandbox: rec.id }, 'sandbox removed');
    });
  }

  /**
   * At start: undo creates a crash interrupted, mark sandboxes whose
   * namespaces are gone (a reboot wiped the state dir) NOTREADY and release
   * their network, and retry DELs still owed.
   */
  async recover(): Promise<void> {
    for (const rec of this.d.store.list()) {
      try {
        if (rec.state === 'creating') {
          await this.undoCreate(rec);
          this.d.log.warn({ sandbox: rec.id }, 'undid a sandbox create interrupted by a crash');
          continue;
        }
        const nsGone = !rec.spec.hostNetwork && !existsSync(namespacePath(this.dir(rec.id), 'net'));
        if (rec.state === 'READY' && nsGone) {
          this.setState(rec, 'NOTREADY');
          this.d.log.warn({ sandbox: rec.id }, 'sandbox namespaces are gone (reboot?): NOTREADY');
        }
        if (rec.state === 'READY' && rec.spec.podPid && !(await this.d.pidHolders?.running(rec.id))) {
          this.setState(rec, 'NOTREADY');
          this.d.log.warn({ sandbox: rec.id }, 'the process holding the pod PID namespace is gone: NOTREADY');
        }
        if (rec.pendingDel || (nsGone && rec.network)) await this.releaseNetwork(rec);
      } catch (err) {
        this.d.log.error({ sandbox: rec.id, err: (err as Error).message }, 'sandbox recovery failed');
      }
    }
    // Releases owed for pods removed before a restart are retried too.
    if (this.d.store.owedReleases().length) this.scheduleDelRetry();
  }

  /**
   * CNI CHECK of every READY sandbox's network, one at a time in the
   * background after a restart: a network that went wrong while berthd was
   * down is logged rather than found by a pod that cannot talk.
   */
  async checkNetworks(): Promise<void> {
    for (const rec of this.d.store.list()) {
      if (rec.state !== 'READY' || !rec.network) continue;
      try {
        await this.d.cni.check(this.attachment(rec), rec.network);
      } catch (err) {
        this.d.log.warn({ sandbox: rec.id, err: (err as Error).message }, 'pod network check failed');
      }
    }
  }

  /**
   * CNI DEL for pods already removed. After MAX_OWED_ATTEMPTS (some DELs can
   * never succeed) the release is given up, with an error naming what may
   * be left: the pod's IP reservation and port mappings.
   */
  private async retryOwedReleases(): Promise<void> {
    for (const { sandboxId, attempts, owed } of this.d.store.owedReleases()) {
      this.d.store.releaseTried(sandboxId);
      try {
        await this.d.cni.del(owed.attachment, owed.network);
        this.d.store.releaseDone(sandboxId);
        this.d.log.info({ sandbox: sandboxId }, 'owed network release of a removed pod done');
      } catch (err) {
        if (attempts + 1 >= MAX_OWED_ATTEMPTS) {
          this.d.store.releaseDone(sandboxId);
          this.d.log.error({ sandbox: sandboxId, ip: owed.network.ip, err: (err as Error).message }, 'gave up releasing the network of a removed pod');
        } else this.scheduleDelRetry();
      }
    }
  }

  private scheduleDelRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.retryOwedReleases();
      for (const rec of this.d.store.list().filter((r) => r.pendingDel))
        void this.lock
          .run(rec.id, async () => {
            const cur = this.d.store.get(rec.id);
            if (cur?.pendingDel) await this.releaseNetwork(cur);
            this.d.log.info({ sandbox: rec.id }, 'owed network release done');
          })
          .catch((err: unknown) => this.d.log.error({ sandbox: rec.id, err: (err as Error).message }, 'network release retry failed'));
    }, DEL_RETRY_MS);
    this.retryTimer.unref();
  }

  close(): void {
    clearTimeout(this.retryTimer);
  }

  /**
   * New pod-level resources (overhead, and the sum of its containers'),
   * kept for the pod's status and applied to berth's pod cgroup if the pod
   * has one. A cgroup_parent is the kubelet's to size (containerd too only
   * hands these to NRI).
   */
  async updateResources(idOrPrefix: string, r: { overhead?: ResourcesSpec; resources?: ResourcesSpec }): Promise<void> {
    const found = this.get(idOrPrefix);
    await this.lock.run(found.id, async () => {
      const rec = this.d.store.get(found.id);
      if (!rec) throw notFound(`sandbox ${idOrPrefix} not found`);
      const owned = this.ownsPodCgroup(rec);
      rec.spec = { ...rec.spec, overhead: r.overhead ?? rec.spec.overhead, resources: r.resources ?? rec.spec.resources };
      if (owned) applyPodCgroup(podCgroupPath(rec.id), podLimits(rec.spec.resources, rec.spec.overhead));
      this.d.store.save(rec);
    });
  }

  requireReady(idOrPrefix: string): SandboxRecord {
    const rec = this.get(idOrPrefix);
    if (rec.state !== 'READY') throw failedPrecondition(`sandbox ${rec.id} is ${rec.state}, not READY`);
    return rec;
  }
}
