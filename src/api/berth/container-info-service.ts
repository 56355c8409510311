import type { ContainerInfoHandlers } from '../gen/berth/v1/ContainerInfo.js';
import { unary, type RpcEnv } from '../grpc/rpc.js';
import { idArg } from '../validate.js';
import type { Containers } from '../../container/containers.js';

export function containerInfoHandlers(env: RpcEnv, containers: Containers): ContainerInfoHandlers {
  return {
    LogPath: unary(env, 'berth.v1.ContainerInfo/LogPath', (req) => {
      const c = containers.get(idArg(req.container_id, 'container_id'));
      return { path: c.logPath, state: c.state };
    }),
  };
}
