import { chmodSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { loadProtos } from './proto.js';
import type { RuntimeServiceHandlers } from './gen/runtime/RuntimeService.js';
import type { ImageServiceHandlers } from './gen/runtime/ImageService.js';
import type { PullProgressHandlers } from './gen/berth/v1/PullProgress.js';
import type { ContainerInfoHandlers } from './gen/berth/v1/ContainerInfo.js';

export interface ServiceHandlers {
  runtime: RuntimeServiceHandlers;
  image: ImageServiceHandlers;
  progress: PullProgressHandlers;
  info: ContainerInfoHandlers;
}

/** Serves the seed's two services and berth's own on one unix socket. */
export async function listenGrpc(socket: string, handlers: ServiceHandlers): Promise<grpc.Server> {
  const protos = loadProtos();
  const server = new grpc.Server({
    // Pulls and execs stream big payloads; the socket is local.
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
    'grpc.max_send_message_length': 16 * 1024 * 1024,
  });
  server.addService(protos.runtime.RuntimeService.service, handlers.runtime);
  server.addService(protos.runtime.ImageService.service, handlers.image);
  server.addService(protos.berth.PullProgress.service, handlers.progress);
  server.addService(protos.berth.ContainerInfo.service, handlers.info);
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  chmodSync(socket, 0o660);
  return server;
}

/** Stops taking calls, lets those in flight finish for up to `graceMs`. */
export function shutdownGrpc(server: grpc.Server, graceMs: number): Promise<void> {
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
