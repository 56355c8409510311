import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDaemon, type TestDaemon, type DaemonOptions } from './daemon.js';
import { startRegistry, type TestRegistry } from './registry.js';
import { busyboxLayer, buildImage, pushImage } from './images.js';
import { testNetwork, type TestNetwork } from './cni.js';

export interface ContainerStatus {
  id: string;
  state: string;
  created_at: string;
  started_at: string;
  finished_at: string;
  exit_code: number;
  reason: string;
  image: { image: string };
  image_ref: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  mounts: { container_path: string; host_path: string; readonly: boolean }[];
  metadata: { name: string; attempt: number };
}

/**
 * A registry with a busybox image, a CNI network and a berthd: what the
 * container and exec tests run against.
 */
export class PodFixture {
  image = '';
  logDir = '';
  constructor(
    readonly reg: TestRegistry,
    readonly net: TestNetwork,
    public d: TestDaemon,
  ) {}

  static async start(subnet: string, opts: DaemonOptions = {}, imageConfig: Record<string, unknown> = {}): Promise<PodFixture> {
    const reg = await startRegistry('none');
    const net = testNetwork(subnet);
    let d: TestDaemon | undefined;
    // A fixture that fails half-way (berthd slow to start on a loaded host) leaves nothing running.
    try {
      d = await startDaemon({ ...opts, args: [...net.args, ...(opts.args ?? [])] });
      const f = new PodFixture(reg, net, d);
      await pushImage(reg, 'test/busybox', '1', buildImage({ layers: [{ tar: await busyboxLayer() }], config: imageConfig }));
      f.image = `${reg.host}/test/busybox:1`;
      await d.img('PullImage', { image: { image: f.image } });
      f.logDir = mkdtempSync(join(tmpdir(), 'berth-podlogs-'));
      return f;
    } catch (err) {
      await d?.dispose().catch(() => undefined);
      net.cleanup();
      await reg.stop();
      throw err;
    }
  }

  podConfig(name: string, extra: object = {}) {
    return { metadata: { name, namespace: 'test', uid: `uid-${name}` }, log_directory: join(this.logDir, name), ...extra };
  }

  async pod(name: string, extra: object = {}): Promise<string> {
    return (await this.d.rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config: this.podConfig(name, extra) })).pod_sandbox_id;
  }

  async create(pod: string, config: object): Promise<string> {
    return (await this.d.rt<{ container_id: string }>('CreateContainer', { pod_sandbox_id: pod, config: { image: { image: this.image }, ...config } }))
      .container_id;
  }

  async run(pod: string, config: object): Promise<string> {
    const id = await this.create(pod, config);
    await this.d.rt('StartContainer', { container_id: id });
    return id;
  }

  async status(id: string): Promise<ContainerStatus> {
    return (await this.d.rt<{ status: ContainerStatus }>('ContainerStatus', { container_id: id })).status;
  }

  async waitExited(id: string, ms = 20_000): Promise<ContainerStatus> {
    const deadline = Date.now() + ms;
    for (;;) {
      const st = await this.status(id);
      if (st.state === 'EXITED' || Date.now() > deadline) return st;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * The lines a container wrote, from its CRI log file (stdout and stderr
   * interleaved): a P record continues in the next record of its stream.
   */
  logText(podName: string, logPath: string): string {
    const lines: string[] = [];
    const partial: Record<string, string> = {};
    for (const rec of readFileSync(join(this.logDir, podName, logPath), 'utf8').split('\n').filter(Boolean)) {
      const [, stream, tag, ...text] = rec.split(' ');
      const joined = (partial[stream] ?? '') + text.join(' ');
      if (tag === 'P') partial[stream] = joined;
      else {
        delete partial[stream];
        lines.push(joined);
      }
    }
    return [...lines, ...Object.values(partial)].join('\n');
  }

  /** Runs a container to completion and returns its output and status. */
  async output(pod: string, podName: string, config: { metadata: { name: string } } & Record<string, unknown>): Promise<{ out: string; st: ContainerStatus }> {
    const logPath = `${config.metadata.name}.log`;
    const id = await this.run(pod, { ...config, log_path: logPath });
    const st = await this.waitExited(id);
    return { out: this.logText(podName, logPath), st };
  }

  /** Removes every pod, then stops everything; what fails is reported after the rest is cleaned. */
  async dispose(): Promise<void> {
    let failure: unknown;
    try {
      const { items } = await this.d.rt<{ items: { id: string }[] }>('ListPodSandbox', {});
      for (const p of items) await this.d.rt('RemovePodSandbox', { pod_sandbox_id: p.id }).catch((err: unknown) => (failure ??= err));
    } catch (err) {
      failure ??= err;
    }
    await this.d.dispose().catch((err: unknown) => (failure ??= err));
    this.net.cleanup();
    await this.reg.stop();
    rmSync(this.logDir, { recursive: true, force: true });
    if (failure) throw failure;
  }
}
