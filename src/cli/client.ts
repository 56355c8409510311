import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs/light.js';
import { DESCRIPTORS, METHODS } from '../api/gen/descriptors.js';
import { methodDefinition, type ProtoFile } from '../api/grpc/proto.js';
import type { RuntimeServiceClient } from '../api/gen/runtime/RuntimeService.js';
import type { ImageServiceClient } from '../api/gen/runtime/ImageService.js';
import type { PullProgressClient } from '../api/gen/berth/v1/PullProgress.js';
import type { ContainerInfoClient } from '../api/gen/berth/v1/ContainerInfo.js';
import type { RuntimeServiceClient as V1RuntimeServiceClient } from '../api/gen/v1/runtime/v1/RuntimeService.js';
import type { ImageServiceClient as V1ImageServiceClient } from '../api/gen/v1/runtime/v1/ImageService.js';

export const DEFAULT_ENDPOINT = '/run/berth/berth.sock';

export interface Clients {
  runtime: RuntimeServiceClient;
  image: ImageServiceClient;
  progress: PullProgressClient;
  info: ContainerInfoClient;
  v1Runtime: V1RuntimeServiceClient;
  v1Image: V1ImageServiceClient;
  close(): void;
}

interface NamespaceJson {
  nested?: Record<string, NamespaceJson>;
  [key: string]: unknown;
}

const parsed = new Map<ProtoFile, NamespaceJson>();

/**
 * A root holding only `types` (full names of top-level declarations) out of
 * `file`'s descriptor. Resolving all of CRI v1 took ~45 ms of a ~220 ms
 * start; the types one call reaches are a handful.
 */
export function typesRoot(file: ProtoFile, types: readonly string[]): protobuf.Root {
  let full = parsed.get(file);
  if (!full) parsed.set(file, (full = JSON.parse(DESCRIPTORS[file]) as NamespaceJson));
  const cut: NamespaceJson = {};
  for (const name of types) {
    const path = name.split('.');
    let from = full;
    let to = cut;
    for (const part of path.slice(0, -1)) {
      from = from.nested![part];
      const { nested: _, ...rest } = from;
      to = (to.nested ??= {})[part] ??= rest;
    }
    const last = path[path.length - 1];
    (to.nested ??= {})[last] = from.nested![last];
  }
  return protobuf.Root.fromJSON(cut as protobuf.INamespace);
}

/**
 * A client class for one service, made from the pre-parsed descriptor as
 * berthd's services are; each method builds its types on its first
 * message, from the types it reaches alone.
 */
function serviceClient(file: ProtoFile, name: string, defaults: boolean): grpc.ServiceClientConstructor {
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const [method, m] of Object.entries(METHODS[file][name])) {
    let resolved: readonly [protobuf.Type, protobuf.Type] | undefined;
    const types = () => {
      if (!resolved) {
        const r = typesRoot(file, m.types);
        resolved = [r.lookupType(m.request), r.lookupType(m.response)];
      }
      return resolved;
    };
    const streams = { requestStream: m.requestStream === true, responseStream: m.responseStream === true };
    definition[method] = methodDefinition(name, method, streams, types, defaults);
  }
  return grpc.makeClientConstructor(definition as grpc.ServiceDefinition, name);
}

/**
 * `endpoint` is a socket path or a `unix://` / `unix:` address. With
 * `v1Defaults`, v1 answers come with every zero-valued field filled in.
 * Each client (and its proto) is made on first use: a command pays only
 * for the services it calls.
 */
export function connectClients(endpoint: string, v1Defaults = false): Clients {
  const address = endpoint.startsWith('unix:') ? endpoint.replace(/^unix:\/\//, 'unix:') : `unix:${endpoint}`;
  const creds = grpc.credentials.createInsecure();
  const opts = {
    // An ExecSync answer carries up to 16 MiB of stdout and of stderr.
    'grpc.max_receive_message_length': 33 * 1024 * 1024,
    // grpc-js otherwise advertises HTTP/2's 64 KiB window, which caps a bulk
    // stream (exec output, logs) at a fraction of what the socket carries.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  };
  const made = new Map<string, grpc.Client>();
  const lazy = <T>(file: ProtoFile, service: string, defaults = false) => ({
    enumerable: true,
    get(): T {
      let c = made.get(service);
      if (!c) made.set(service, (c = new (serviceClient(file, service, defaults))(address, creds, opts)));
      return c as unknown as T;
    },
  });
  const clients = { close: () => made.forEach((c) => c.close()) } as Clients;
  Object.defineProperties(clients, {
    runtime: lazy<RuntimeServiceClient>('runtime', 'runtime.RuntimeService'),
    image: lazy<ImageServiceClient>('runtime', 'runtime.ImageService'),
    progress: lazy<PullProgressClient>('berth', 'berth.v1.PullProgress'),
    info: lazy<ContainerInfoClient>('berth', 'berth.v1.ContainerInfo'),
    v1Runtime: lazy<V1RuntimeServiceClient>('v1', 'runtime.v1.RuntimeService', v1Defaults),
    v1Image: lazy<V1ImageServiceClient>('v1', 'runtime.v1.ImageService', v1Defaults),
  });
  return clients;
}

type UnaryMethod<Req, Res> = (req: Req, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown;

/** Promise form of a unary call, with a deadline. */
export function call<Req, Res>(client: object, method: UnaryMethod<Req, Res>, req: Req, timeoutMs = 120_000): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res))),
  );
}
