import { mkdirSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as grpc from '@grpc/grpc-js';
import { ConfigError, durationMs, type Config } from './config.js';
import type { Logger } from './log.js';
import { openDatabase, type Db } from '../store/db.js';
import { claimSocket } from './socket.js';
import { privateDir } from '../host/private-dir.js';
import { host } from '../host/native.js';
import { reduceMemory } from '../host/memory.js';
import { MemoryTrimmer } from './memory-trimmer.js';
import { listenGrpc, shutdownGrpc } from '../api/grpc/server.js';
import { startMetrics, type Metrics } from '../api/grpc/metrics.js';
import { runtimeServiceHandlers } from '../api/cri-seed/runtime-service.js';
import { imageServiceHandlers } from '../api/cri-seed/image-service.js';
import { progressServiceHandlers } from '../api/berth/progress-service.js';
import { containerInfoHandlers } from '../api/berth/container-info-service.js';
import { v1RuntimeServiceHandlers } from '../api/cri-v1/runtime-service.js';
import { v1ImageServiceHandlers } from '../api/cri-v1/image-service.js';
import type { V1Deps } from '../api/cri-v1/deps.js';
import type { RpcEnv } from '../api/grpc/rpc.js';
import { ImageStore } from '../store/image-store.js';
import { ContentStore } from '../image/content-store.js';
import { LayerStore } from '../image/layer-store.js';
import { RegistryClient } from '../image/registry.js';
import { PullProgressHub } from '../image/progress.js';
import { Images } from '../image/images.js';
import { SandboxStore } from '../store/sandbox-store.js';
import { Sandboxes } from '../sandbox/sandboxes.js';
import { PidHolders } from '../sandbox/pid-holder.js';
import { CniNetwork } from '../network/cni.js';
import { ContainerStore } from '../store/container-store.js';
import { Containers } from '../container/containers.js';
import { OciRuntime } from '../oci/runtime.js';
import { Stats } from '../container/stats.js';
import { EventHub } from '../events/hub.js';
import { StreamingServer } from '../api/streaming/server.js';

/** CRI v1's two services, on the same domain objects as the seed's. */
function v1Services(env: RpcEnv, cfg: Config, domain: Pick<V1Deps, 'sandboxes' | 'containers' | 'images' | 'cni' | 'stats' | 'events' | 'streaming'>) {
  const deps: V1Deps = {
    ...domain,
    cgroupDriver: 'cgroupfs',
    runtimeHandlers: Object.keys(cfg.runtime_handlers),
    imageFs: { mountpoint: cfg.root, dirs: [join(cfg.root, 'content'), join(cfg.root, 'layers')] },
    config: cfg,
  };
  return { v1Runtime: v1RuntimeServiceHandlers(env, deps), v1Image: v1ImageServiceHandlers(env, deps) };
}

/** The streaming server's certificate and key, read at start; both or neither. */
function streamTls(cfg: Config): { cert: Buffer; key: Buffer } | undefined {
  if (!cfg.stream_tls_cert && !cfg.stream_tls_key) return undefined;
  if (!cfg.stream_tls_cert || !cfg.stream_tls_key) throw new ConfigError('stream_tls_cert and stream_tls_key go together: give both or neither');
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`${what} ${file}: ${(err as Error).message}`);
    }
  };
  return { cert: read('stream_tls_cert', cfg.stream_tls_cert), key: read('stream_tls_key', cfg.stream_tls_key) };
}

/** The running daemon: its database, services and socket. */
export class Berthd {
  private constructor(
    private readonly cfg: Config,
    private readonly log: Logger,
    private readonly db: Db,
    private readonly server: grpc.Server,
    private readonly metrics: Metrics,
    private readonly sandboxes: Sandboxes,
    private readonly containers: Containers,
    private readonly stats: Stats,
    private readonly events: EventHub,
    private readonly streaming: StreamingServer,
  ) {}

  static async start(cfg: Config, log: Logger): Promise<Berthd> {
    // A config mistake fails the start before anything is made.
    const tls = streamTls(cfg);
    // Nobody but root reads berth's state: it holds image content and pod data.
    privateDir(cfg.root);
    // The state dir may also hold the socket, which its own mode guards:
    // others may pass through to it, and every dir below is private.
    mkdirSync(cfg.state, { recursive: true, mode: 0o711 });
    chmodSync(cfg.state, 0o711);
    mkdirSync(dirname(cfg.socket), { recursive: true, mode: 0o711 });
    const db = openDatabase(join(cfg.root, 'berth.db'));
    let streaming: StreamingServer | undefined;
    try {
      await claimSocket(cfg.socket);
      const containerStore = new ContainerStore(db);
      const sandboxStore = new SandboxStore(db);
      const byState = (states: string[]) => states.reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
      const metrics = MemoryTrimmer.forNode(reduceMemory, () => host.mallocTrim()).watch(
        await startMetrics(cfg.metrics_address, {
          pods: () => byState(sandboxStore.list().map((s) => s.state)),
          containers: () => byState(containerStore.list().map((c) => c.state)),
        }),
      );
      const env = { log, metrics };
      const progress = new PullProgressHub();
      const layers = new LayerStore(cfg.root);
      const images = new Images({
        store: new ImageStore(db),
        registry: new RegistryClient(cfg.registries),
        content: new ContentStore(cfg.root),
        layers,
        progress,
        log,
        layersInUse: () => containerStore.list().flatMap((c) => c.layers),
        renameLayersInUse: (renamed) => containerStore.renameLayers(renamed),
        pullProgressTimeoutMs: durationMs(cfg.image_pull_progress_timeout),
        onPullBytes: (n) => metrics.pullBytes(n),
      });
      const cni = new CniNetwork({ confDir: cfg.cni.conf_dir, binDirs: cfg.cni.bin_dirs, defaultSubnet: cfg.cni.default_subnet }, log);
      const runtime = new OciRuntime({ runtime: cfg.runtime, conmon: cfg.conmon, stateDir: cfg.state, createTimeoutMs: durationMs(cfg.runtime_create_timeout)! });
      const handlers = Object.fromEntries(
        Object.entries(cfg.runtime_handlers).map(([handler, bin]) => [handler, new OciRuntime({ runtime: bin, conmon: cfg.conmon, stateDir: cfg.state, createTimeoutMs: durationMs(cfg.runtime_create_timeout)!, handler })]),
      );
      const events = new EventHub();
      const sandboxes = new Sandboxes({
        events,
        store: sandboxStore,
        cni,
        stateDir: cfg.state,
        log,
        pidHolders: new PidHolders({ runtime: cfg.runtime, runtimeRoot: runtime.root, stateDir: cfg.state }),
        runtimeHandlers: Object.keys(cfg.runtime_handlers),
      });
      const containers = new Containers({
        events,
        store: containerStore,
        sandboxes,
        images,
        layers,
        runtime,
        handlers,
        stateDir: cfg.state,
        rootDir: cfg.root,
        log,
        onLayersReleased: () => images.collectGarbage(),
      });
      sandboxes.attachContainers(containers);
      events.describeWith((sandboxId) => ({ sandbox: sandboxes.find(sandboxId), containers: containers.list({ sandboxId }) }));
      const stats = new Stats({ containers, sandboxes, log, mountpoint: cfg.root });
      containers.watchExits();
      await containers.recover();
      images.recover();
      await sandboxes.recover();
      void sandboxes.checkNetworks();
      streaming = await StreamingServer.start(cfg.stream_address, cfg.stream_port, log, { tls, idleTimeoutMs: durationMs(cfg.stream_idle_timeout) });
      const server = await listenGrpc(cfg.socket, {
        runtime: runtimeServiceHandlers(env, { sandboxes, containers }),
        image: imageServiceHandlers(env, images),
        progress: progressServiceHandlers(env, progress),
        info: containerInfoHandlers(env, containers),
        ...v1Services(env, cfg, { sandboxes, containers, images, cni, stats, events, streaming }),
      });
      events.serving();
      stats.start();
      log.info({ socket: cfg.socket, root: cfg.root, state: cfg.state }, 'berthd serving');
      return new Berthd(cfg, log, db, server, metrics, sandboxes, containers, stats, events, streaming);
    } catch (err) {
      await streaming?.close();
      db.close();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.log.info('berthd stopping');
    // Event streams last until their client goes: end them so that the shutdown need not wait out its grace.
    this.events.close();
    this.stats.close();
    await shutdownGrpc(this.server, this.cfg.shutdown_grace_seconds * 1000);
    await this.streaming.close();
    this.metrics.close();
    this.sandboxes.close();
    this.containers.close();
    this.db.close();
    rmSync(this.cfg.socket, { force: true });
    this.log.info('berthd stopped');
  }
}
