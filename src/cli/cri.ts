import { call, type Clients } from './client.js';

// berthctl speaks CRI v1 by default and the seed API with --seed; the
// commands work on these rows, which both answers are translated into.

export type PodState = 'READY' | 'NOTREADY';
export type ContainerState = 'CREATED' | 'RUNNING' | 'EXITED' | 'UNKNOWN';

export interface PodRow {
  id: string;
  name: string;
  namespace: string;
  attempt: number;
  state: PodState;
  createdAt: string;
  uid: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  runtimeHandler: string;
}

export interface ContainerRow {
  id: string;
  podId: string;
  name: string;
  attempt: number;
  image: string;
  state: ContainerState;
  /** Empty from the seed, whose Container has neither. */
  createdAt: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface ImageRow {
  id: string;
  repo_tags: string[];
  repo_digests: string[];
  size: string;
}

export interface PodQuery {
  id?: string;
  name?: string;
  state?: PodState;
  labels: Record<string, string>;
}

export interface ContainerQuery {
  id?: string;
  name?: string;
  podId?: string;
  state?: ContainerState;
  labels: Record<string, string>;
}

/** A listing: rows for tables, and the messages as the API sent them for -o json. */
export interface Listing<Row> {
  rows: Row[];
  raw: unknown[];
}

export interface AuthFields {
  username?: string;
  password?: string;
  auth?: string;
  identity_token?: string;
  registry_token?: string;
}

export interface Cri {
  version(): Promise<Record<string, string>>;
  runPod(config: object, runtimeHandler?: string): Promise<string>;
  stopPod(id: string): Promise<void>;
  removePod(id: string): Promise<void>;
  /** The status as the API sent it, and the verbose info (v1 only). */
  podStatus(id: string, verbose?: boolean): Promise<{ status: { id: string; created_at?: string }; info: Record<string, string> }>;
  listPods(q: PodQuery): Promise<Listing<PodRow>>;
  createContainer(podId: string, config: object, podConfig: object): Promise<string>;
  start(id: string): Promise<void>;
  stop(id: string, timeoutSec: number): Promise<void>;
  remove(id: string): Promise<void>;
  containerStatus(
    id: string,
    verbose?: boolean,
  ): Promise<{ id: string; state: ContainerState; exitCode: number; raw: { state?: string; created_at?: string }; info: Record<string, string> }>;
  listContainers(q: ContainerQuery): Promise<Listing<ContainerRow>>;
  pull(ref: string, auth: AuthFields | undefined): Promise<void>;
  listImages(ref: string | undefined): Promise<ImageRow[]>;
  /** undefined: no such image. */
  imageStatus(ref: string, verbose?: boolean): Promise<ImageRow | undefined>;
  imageInfo(ref: string): Promise<{ image?: ImageRow; info: Record<string, string> }>;
  removeImage(ref: string): Promise<void>;
}

type Unary = <Res>(client: object, name: string, req: object) => Promise<Res>;

function caller(timeoutMs: number): Unary {
  return <Res>(client: object, name: string, req: object) => call<object, Res>(client, (client as Record<string, never>)[name], req, timeoutMs);
}

interface Metadata {
  name?: string;
  namespace?: string;
  uid?: string;
  attempt?: number;
}

/** Create, start, stop and remove: the same requests in both APIs. */
function containerCalls(rt: <Res>(name: string, req: object) => Promise<Res>): Pick<Cri, 'createContainer' | 'start' | 'stop' | 'remove'> {
  return {
    createContainer: async (podId, config, podConfig) =>
      (await rt<{ container_id: string }>('CreateContainer', { pod_sandbox_id: podId, config, sandbox_config: podConfig })).container_id,
    start: async (id) => void (await rt('StartContainer', { container_id: id })),
    stop: async (id, timeout) => void (await rt('StopContainer', { container_id: id, timeout })),
    remove: async (id) => void (await rt('RemoveContainer', { container_id: id })),
  };
}

export function seedCri(c: Clients, timeoutMs: number): Cri {
  const u = caller(timeoutMs);
  const rt = <Res>(name: string, req: object) => u<Res>(c.runtime, name, req);
  const img = <Res>(name: string, req: object) => u<Res>(c.image, name, req);
  type Pod = { id: string; metadata: Metadata | null; state: PodState; created_at: string; labels?: Record<string, string> };
  type Ctr = { id: string; pod_sandbox_id?: string; metadata: Metadata | null; image: { image: string } | null; state: ContainerState; labels?: Record<string, string>; annotations?: Record<string, string> };
  return {
    version: () => rt('Version', {}),
    runPod: async (config) => (await rt<{ pod_sandbox_id: string }>('CreatePodSandbox', { config })).pod_sandbox_id,
    stopPod: async (id) => void (await rt('StopPodSandbox', { pod_sandbox_id: id })),
    removePod: async (id) => void (await rt('RemovePodSandbox', { pod_sandbox_id: id })),
    podStatus: async (id) => ({ status: (await rt<{ status: { id: string } }>('PodSandboxStatus', { pod_sandbox_id: id })).status, info: {} }),
    async listPods(q) {
      const filter = { id: q.id, name: q.name, state: q.state, label_selector: q.labels };
      const { items } = await rt<{ items: Pod[] }>('ListPodSandbox', { filter });
      return {
        raw: items,
        rows: items.map((p) => ({
          id: p.id,
          name: p.metadata?.name ?? '',
          namespace: p.metadata?.namespace ?? '',
          attempt: p.metadata?.attempt ?? 0,
          state: p.state,
          createdAt: p.created_at,
          uid: p.metadata?.uid ?? '',
          labels: p.labels ?? {},
          annotations: {},
          runtimeHandler: '',
        })),
      };
    },
    ...containerCalls(rt),
    async containerStatus(id) {
      const { status } = await rt<{ status: { id: string; state: ContainerState; exit_code?: number } }>('ContainerStatus', { container_id: id });
      return { id: status.id, state: status.state, exitCode: status.exit_code ?? 0, raw: status, info: {} };
    },
    async listContainers(q) {
      const filter = { id: q.id, name: q.name, pod_sandbox_id: q.podId, state: q.state, label_selector: q.labels };
      const { containers } = await rt<{ containers: Ctr[] }>('ListContainers', { filter });
      return {
        raw: containers,
        rows: containers.map((x) => ({
          id: x.id,
          podId: x.pod_sandbox_id ?? '',
          name: x.metadata?.name ?? '',
          attempt: x.metadata?.attempt ?? 0,
          image: x.image?.image ?? '',
          state: x.state,
          createdAt: '',
          labels: x.labels ?? {},
          annotations: x.annotations ?? {},
        })),
      };
    },
    pull: async (ref, auth) => void (await img('PullImage', { image: { image: ref }, auth })),
    listImages: async (ref) => (await img<{ images: ImageRow[] }>('ListImages', ref ? { filter: { image: { image: ref } } } : {})).images,
    imageStatus: async (ref) => (await img<{ image?: ImageRow | null }>('ImageStatus', { image: { image: ref } })).image ?? undefined,
    imageInfo: async (ref) => ({ image: (await img<{ image?: ImageRow | null }>('ImageStatus', { image: { image: ref } })).image ?? undefined, info: {} }),
    removeImage: async (ref) => void (await img('RemoveImage', { image: { image: ref } })),
  };
}

const V1_POD_STATE: Record<string, PodState> = { SANDBOX_READY: 'READY', SANDBOX_NOTREADY: 'NOTREADY' };
const V1_CONTAINER_STATE: Record<string, ContainerState> = {
  CONTAINER_CREATED: 'CREATED',
  CONTAINER_RUNNING: 'RUNNING',
  CONTAINER_EXITED: 'EXITED',
  CONTAINER_UNKNOWN: 'UNKNOWN',
};

/** Expects clients made with v1 defaults (connectClients(…, true)): every field present. */
export function v1Cri(c: Clients, timeoutMs: number): Cri & {
  execSync(id: string, cmd: string[], timeoutSec: number): Promise<{ stdout: Buffer; stderr: Buffer; exit_code: number }>;
  status(): Promise<{ status: unknown; info: Record<string, string> }>;
  imageFsInfo(): Promise<unknown>;
  update(id: string, linux: Record<string, string | number>): Promise<void>;
} {
  const u = caller(timeoutMs);
  const rt = <Res>(name: string, req: object) => u<Res>(c.v1Runtime, name, req);
  const img = <Res>(name: string, req: object) => u<Res>(c.v1Image, name, req);
  type Pod = {
    id: string;
    metadata: Metadata | null;
    state: string;
    created_at: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
    runtime_handler: string;
  };
  type Ctr = {
    id: string;
    pod_sandbox_id: string;
    metadata: Metadata | null;
    image: { image: string } | null;
    state: string;
    created_at: string;
    labels: Record<string, string>;
    annotations: Record<string, string>;
  };
  return {
    version: () => rt('Version', {}),
    runPod: async (config, runtimeHandler) => (await rt<{ pod_sandbox_id: string }>('RunPodSandbox', { config, runtime_handler: runtimeHandler })).pod_sandbox_id,
    stopPod: async (id) => void (await rt('StopPodSandbox', { pod_sandbox_id: id })),
    removePod: async (id) => void (await rt('RemovePodSandbox', { pod_sandbox_id: id })),
    podStatus: (id, verbose = false) => rt('PodSandboxStatus', { pod_sandbox_id: id, verbose }),
    async listPods(q) {
      const filter = {
        id: q.id,
        state: q.state ? { state: q.state === 'READY' ? 'SANDBOX_READY' : 'SANDBOX_NOTREADY' } : undefined,
        label_selector: q.labels,
      };
      // v1 has no name filter: berthctl applies it.
      const items = (await rt<{ items: Pod[] }>('ListPodSandbox', { filter })).items.filter((p) => !q.name || p.metadata?.name === q.name);
      return {
        raw: items,
        rows: items.map((p) => ({
          id: p.id,
          name: p.metadata?.name ?? '',
          namespace: p.metadata?.namespace ?? '',
          attempt: p.metadata?.attempt ?? 0,
          state: V1_POD_STATE[p.state] ?? 'NOTREADY',
          createdAt: p.created_at,
          uid: p.metadata?.uid ?? '',
          labels: p.labels,
          annotations: p.annotations,
          runtimeHandler: p.runtime_handler,
        })),
      };
    },
    ...containerCalls(rt),
    async containerStatus(id, verbose = false) {
      const { status, info } = await rt<{ status: { id: string; state: string; exit_code: number }; info: Record<string, string> }>('ContainerStatus', {
        container_id: id,
        verbose,
      });
      return { id: status.id, state: V1_CONTAINER_STATE[status.state] ?? 'UNKNOWN', exitCode: status.exit_code, raw: status, info };
    },
    async listContainers(q) {
      const v1State = Object.entries(V1_CONTAINER_STATE).find(([, s]) => s === q.state)?.[0];
      const filter = { id: q.id, pod_sandbox_id: q.podId, state: v1State ? { state: v1State } : undefined, label_selector: q.labels };
      // v1 has no name filter: berthctl applies it.
      const containers = (await rt<{ containers: Ctr[] }>('ListContainers', { filter })).containers.filter((x) => !q.name || x.metadata?.name === q.name);
      return {
        raw: containers,
        rows: containers.map((x) => ({
          id: x.id,
          podId: x.pod_sandbox_id,
          name: x.metadata?.name ?? '',
          attempt: x.metadata?.attempt ?? 0,
          image: x.image?.image ?? '',
          state: V1_CONTAINER_STATE[x.state] ?? 'UNKNOWN',
          createdAt: x.created_at,
          labels: x.labels,
          annotations: x.annotations,
        })),
      };
    },
    pull: async (ref, auth) => void (await img('PullImage', { image: { image: ref }, auth })),
    listImages: async (ref) => (await img<{ images: ImageRow[] }>('ListImages', ref ? { filter: { image: { image: ref } } } : {})).images,
    imageStatus: async (ref) => (await img<{ image?: ImageRow | null }>('ImageStatus', { image: { image: ref } })).image ?? undefined,
    async imageInfo(ref) {
      const r = await img<{ image?: ImageRow | null; info: Record<string, string> }>('ImageStatus', { image: { image: ref }, verbose: true });
      return { image: r.image ?? undefined, info: r.info };
    },
    removeImage: async (ref) => void (await img('RemoveImage', { image: { image: ref } })),
    imageFsInfo: () => img('ImageFsInfo', {}),
    update: async (id, linux) => void (await rt('UpdateContainerResources', { container_id: id, linux })),
    status: () => rt('Status', { verbose: true }),
    execSync: (id, cmd, timeout) =>
      // The call's own deadline leaves the runtime's timeout room to answer first.
      call(c.v1Runtime, (c.v1Runtime as unknown as Record<string, never>).ExecSync, { container_id: id, cmd, timeout }, timeout ? timeout * 1000 + 10_000 : timeoutMs),
  };
}
