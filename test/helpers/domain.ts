import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { openDatabase, type Db } from '../../src/store/db.js';
import { ImageStore } from '../../src/store/image-store.js';
import { ContainerStore } from '../../src/store/container-store.js';
import { SandboxStore } from '../../src/store/sandbox-store.js';
import { ContentStore } from '../../src/image/content-store.js';
import { LayerStore } from '../../src/image/layer-store.js';
import { RegistryClient } from '../../src/image/registry.js';
import { PullProgressHub } from '../../src/image/progress.js';
import { Images } from '../../src/image/images.js';
import { CniNetwork } from '../../src/network/cni.js';
import { Sandboxes } from '../../src/sandbox/sandboxes.js';
import { PidHolders } from '../../src/sandbox/pid-holder.js';
import { Containers } from '../../src/container/containers.js';
import { OciRuntime } from '../../src/oci/runtime.js';
import { NO_RESOURCES, type ContainerSpec } from '../../src/container/spec.js';
import type { SandboxSpec } from '../../src/sandbox/spec.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { busyboxLayer, buildImage, pushImage } from './images.js';
import { testNetwork, type TestNetwork } from './cni.js';

/**
 * berth's domain objects wired as berthd wires them, in the test's own
 * process, over real runc, conmon and CNI: what tests of capabilities that
 * no API translation reaches yet drive directly.
 */
export class Domain {
  image = '';
  private constructor(
    readonly base: string,
    readonly db: Db,
    readonly sandboxes: Sandboxes,
    readonly containers: Containers,
    readonly images: Images,
    readonly runtime: OciRuntime,
    readonly reg: TestRegistry,
    readonly net: TestNetwork,
    private readonly runtimeHandlers: string[],
  ) {}

  static async start(subnet: string, opts: { runtimeHandlers?: string[]; imageConfig?: Record<string, unknown>; extraFiles?: Parameters<typeof buildImage>[0]['layers'] } = {}): Promise<Domain> {
    const base = mkdtempSync(join(tmpdir(), 'berth-domain-'));
    mkdirSync(join(base, 'root'), { mode: 0o700 });
    const reg = await startRegistry('none');
    const net = testNetwork(subnet);
    const d = Domain.wire(base, reg, net, opts.runtimeHandlers ?? []);
    try {
      await pushImage(reg, 'test/busybox', '1', buildImage({ layers: [{ tar: await busyboxLayer() }, ...(opts.extraFiles ?? [])], config: opts.imageConfig ?? {} }));
      d.image = `${reg.host}/test/busybox:1`;
      await d.images.pull(d.image, {});
    } catch (err) {
      await d.dispose();
      throw err;
    }
    return d;
  }

  /** What a berthd restart does: new objects over the same database and dirs, then recovery. */
  async restart(): Promise<Domain> {
    this.containers.close();
    this.sandboxes.close();
    this.db.close();
    const d = Domain.wire(this.base, this.reg, this.net, this.runtimeHandlers);
    d.image = this.image;
    await d.containers.recover();
    await d.sandboxes.recover();
    return d;
  }

  private static wire(base: string, reg: TestRegistry, net: TestNetwork, runtimeHandlers: string[]): Domain {
    const root = join(base, 'root');
    const state = join(base, 'state');
    const subnet = net.subnet;
    const log = pino({ level: 'silent' });
    const db = openDatabase(join(root, 'berth.db'));
    const containerStore = new ContainerStore(db);
    const layers = new LayerStore(root);
    const images = new Images({
      store: new ImageStore(db),
      registry: new RegistryClient({}),
      content: new ContentStore(root),
      layers,
      progress: new PullProgressHub(),
      log,
      layersInUse: () => containerStore.list().flatMap((c) => c.layers),
    });
    const cni = new CniNetwork({ confDir: net.confDir, binDirs: ['/opt/cni/bin', '/usr/lib/cni'], defaultSubnet: subnet }, log);
    const runtime = new OciRuntime({ runtime: 'runc', conmon: 'conmon', stateDir: state, createTimeoutMs: 60_000 });
    const sandboxes = new Sandboxes({
      store: new SandboxStore(db),
      cni,
      stateDir: state,
      log,
      pidHolders: new PidHolders({ runtime: 'runc', runtimeRoot: runtime.root, stateDir: state }),
      runtimeHandlers,
    });
    // Every configured handler runs runc too, with runtime state of its own.
    const handlers = Object.fromEntries(
      runtimeHandlers.map((handler) => [handler, new OciRuntime({ runtime: 'runc', conmon: 'conmon', stateDir: state, createTimeoutMs: 60_000, handler })]),
    );
    const containers = new Containers({ store: containerStore, sandboxes, images, layers, runtime, handlers, stateDir: state, rootDir: root, log });
    sandboxes.attachContainers(containers);
    containers.watchExits();
    return new Domain(base, db, sandboxes, containers, images, runtime, reg, net, runtimeHandlers);
  }

  pod(name: string, over: Partial<SandboxSpec> = {}): SandboxSpec {
    return {
      name,
      namespace: 'test',
      uid: `uid-${name}`,
      attempt: 0,
      hostname: '',
      logDirectory: join(this.base, 'logs', name),
      dns: null,
      portMappings: [],
      labels: {},
      annotations: {},
      cgroupParent: '',
      runtimeHandler: '',
      sysctls: {},
      hostNetwork: false,
      hostPid: false,
      podPid: false,
      hostIpc: false,
      userns: 'node',
      security: {
        privileged: false,
        readonlyRootfs: false,
        runAsUser: undefined,
        runAsGroup: undefined,
        supplementalGroups: [],
        supplementalGroupsPolicy: 'merge',
        seccomp: { kind: 'runtimeDefault', localhostRef: '' },
        apparmor: { kind: 'runtimeDefault', localhostRef: '' },
      },
      overhead: undefined,
      resources: undefined,
      ...over,
    };
  }

  /** A v1-style container: no seccomp unless asked (v1's default is unconfined). */
  ctr(name: string, command: string[], over: Partial<ContainerSpec> = {}): ContainerSpec {
    return {
      name,
      attempt: 0,
      image: this.image,
      command,
      args: [],
      workingDir: '',
      envs: [],
      mounts: [],
      devices: [],
      labels: {},
      annotations: {},
      privileged: false,
      readonlyRootfs: false,
      logPath: `${name}.log`,
      stdin: false,
      stdinOnce: false,
      tty: false,
      resources: { ...NO_RESOURCES },
      capAdd: [],
      capDrop: [],
      capAmbient: [],
      user: undefined,
      additionalGids: [],
      supplementalGroupsPolicy: 'merge',
      seccomp: { kind: 'unconfined', localhostRef: '' },
      apparmor: { kind: 'runtimeDefault', localhostRef: '' },
      noNewPrivs: false,
      maskedPaths: undefined,
      readonlyPaths: undefined,
      pid: undefined,
      pidTarget: '',
      ...over,
    };
  }

  async waitExited(id: string, ms = 20_000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const rec = this.containers.get(id);
      if (rec.state === 'EXITED' || Date.now() > deadline) return rec;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The container's CRI log as plain text lines. */
  log(id: string): string {
    const rec = this.containers.get(id);
    // A P record continues in the next one; an F record ends a line.
    return readFileSync(rec.logPath, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [, , tag, ...text] = l.split(' ');
        return text.join(' ') + (tag === 'P' ? '' : '\n');
      })
      .join('')
      .replace(/\n$/, '');
  }

  /** Creates, starts and waits for a container; its output and record. */
  async output(pod: string, spec: ContainerSpec) {
    const id = await this.containers.create(pod, spec);
    await this.containers.start(id);
    const rec = await this.waitExited(id);
    return { out: this.log(id), rec, id };
  }

  async dispose(): Promise<void> {
    let failure: unknown;
    for (const p of this.sandboxes.list()) await this.sandboxes.remove(p.id).catch((err: unknown) => (failure ??= err));
    this.containers.close();
    this.sandboxes.close();
    this.db.close();
    this.net.cleanup();
    await this.reg.stop();
    rmSync(this.base, { recursive: true, force: true });
    if (failure) throw failure;
  }
}
