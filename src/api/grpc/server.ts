import * as grpc from '@grpc/grpc-js';
import { loadProtos } from './proto.js';
import { malformed } from './rpc.js';
import { closeUnix, listenUnix } from './authority.js';
import { encodeListsOnce } from './list-encoding.js';
import type { RuntimeServiceHandlers } from '../gen/runtime/RuntimeService.js';
import type { ImageServiceHandlers } from '../gen/runtime/ImageService.js';
import type { PullProgressHandlers } from '../gen/berth/v1/PullProgress.js';
import type { ContainerInfoHandlers } from '../gen/berth/v1/ContainerInfo.js';
import type { RuntimeServiceHandlers as V1RuntimeServiceHandlers } from '../gen/v1/runtime/v1/RuntimeService.js';
import type { ImageServiceHandlers as V1ImageServiceHandlers } from '../gen/v1/runtime/v1/ImageService.js';

export interface ServiceHandlers {
  runtime: RuntimeServiceHandlers;
  image: ImageServiceHandlers;
  progress: PullProgressHandlers;
  info: ContainerInfoHandlers;
  v1Runtime: V1RuntimeServiceHandlers;
  v1Image: V1ImageServiceHandlers;
}

/**
 * grpc-js answers a request that does not parse with INTERNAL; berth owes
 * INVALID_ARGUMENT for bad input, so such a request reaches the handler as
 * a marked value instead (see rpc.ts).
 */
function tolerantDeserializers(def: grpc.ServiceDefinition): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
  for (const [name, method] of Object.entries(def)) {
    out[name] = {
      ...method,
      requestDeserialize: (buf: Buffer) => {
        try {
          return method.requestDeserialize(buf);
        } catch (err) {
          return malformed((err as Error).message);
        }
      },
    };
  }
  return out;
}

/** The List calls a kubelet makes every second, with each method's repeated field. */
const LISTS = { ListContainers: 'containers', ListPodSandbox: 'items' };

/** Serves the seed's two services, CRI v1's two and berth's own on one unix socket. */
export async function listenGrpc(socket: string, handlers: ServiceHandlers): Promise<grpc.Server> {
  const protos = loadProtos();
  const server = new grpc.Server({
    // Pulls and execs stream big payloads; the socket is local.
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    // An ExecSync answer carries up to 16 MiB of stdout and of stderr.
    'grpc.max_send_message_length': 33 * 1024 * 1024,
  });
  server.addService(encodeListsOnce(tolerantDeserializers(protos.runtime.RuntimeService.service), LISTS), handlers.runtime);
  server.addService(tolerantDeserializers(protos.runtime.ImageService.service), handlers.image);
  server.addService(tolerantDeserializers(protos.berth.PullProgress.service), handlers.progress);
  server.addService(tolerantDeserializers(protos.berth.ContainerInfo.service), handlers.info);
  server.addService(encodeListsOnce(tolerantDeserializers(protos.v1.RuntimeService.service), LISTS), handlers.v1Runtime);
  server.addService(tolerantDeserializers(protos.v1.ImageService.service), handlers.v1Image);
  await listenUnix(server, socket);
  return server;
}

/** Stops taking calls, lets those in flight finish for up to `graceMs`. */
export function shutdownGrpc(server: grpc.Server, graceMs: number): Promise<void> {
  closeUnix(server);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
