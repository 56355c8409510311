import * as grpc from '@grpc/grpc-js';
import { loadProtos, loadV1WithDefaults } from '../api/grpc/proto.js';
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

/**
 * `endpoint` is a socket path or a `unix://` / `unix:` address. With
 * `v1Defaults`, v1 answers come with every zero-valued field filled in.
 */
export function connectClients(endpoint: string, v1Defaults = false): Clients {
  const address = endpoint.startsWith('unix:') ? endpoint.replace(/^unix:\/\//, 'unix:') : `unix:${endpoint}`;
  const { runtime, berth, v1: plainV1 } = loadProtos();
  const v1 = v1Defaults ? loadV1WithDefaults() : plainV1;
  const creds = grpc.credentials.createInsecure();
  const opts = {
    // An ExecSync answer carries up to 16 MiB of stdout and of stderr.
    'grpc.max_receive_message_length': 33 * 1024 * 1024,
    // grpc-js otherwise advertises HTTP/2's 64 KiB window, which caps a bulk
    // stream (exec output, logs) at a fraction of what the socket carries.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
  };
  const clients = {
    runtime: new runtime.RuntimeService(address, creds, opts),
    image: new runtime.ImageService(address, creds, opts),
    progress: new berth.PullProgress(address, creds, opts),
    info: new berth.ContainerInfo(address, creds, opts),
    v1Runtime: new v1.RuntimeService(address, creds, opts),
    v1Image: new v1.ImageService(address, creds, opts),
  };
  return {
    ...clients,
    close() {
      clients.runtime.close();
      clients.image.close();
      clients.progress.close();
      clients.info.close();
      clients.v1Runtime.close();
      clients.v1Image.close();
    },
  };
}

type UnaryMethod<Req, Res> = (req: Req, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Res) => void) => unknown;

/** Promise form of a unary call, with a deadline. */
export function call<Req, Res>(client: object, method: UnaryMethod<Req, Res>, req: Req, timeoutMs = 120_000): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, req, { deadline: Date.now() + timeoutMs }, (err, res) => (err ? reject(err) : resolve(res as Res))),
  );
}
