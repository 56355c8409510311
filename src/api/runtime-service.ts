import * as grpc from '@grpc/grpc-js';
import type { RuntimeServiceHandlers } from './gen/runtime/RuntimeService.js';
import { unary, type RpcEnv } from './rpc.js';
import { BerthError } from '../errors.js';
import { idArg } from './validate.js';
import { RUNTIME_API_VERSION, RUNTIME_NAME, runtimeVersion } from '../version.js';

function notYet(method: string): never {
  throw new BerthError('UNIMPLEMENTED', `${method} is not implemented yet`);
}

export function runtimeServiceHandlers(env: RpcEnv): RuntimeServiceHandlers {
  const pending = <Req, Res>(method: string, idField?: string) =>
    unary<Req, Res>(env, method, (req) => {
      if (idField) idArg((req as Record<string, string>)[idField], idField);
      return notYet(method);
    });
  return {
    Version: unary(env, 'Version', () => ({
      version: RUNTIME_API_VERSION,
      runtime_name: RUNTIME_NAME,
      runtime_version: runtimeVersion(),
      runtime_api_version: RUNTIME_API_VERSION,
    })),
    CreatePodSandbox: pending('CreatePodSandbox'),
    StopPodSandbox: pending('StopPodSandbox', 'pod_sandbox_id'),
    RemovePodSandbox: pending('RemovePodSandbox', 'pod_sandbox_id'),
    PodSandboxStatus: pending('PodSandboxStatus', 'pod_sandbox_id'),
    ListPodSandbox: pending('ListPodSandbox'),
    CreateContainer: pending('CreateContainer'),
    StartContainer: pending('StartContainer', 'container_id'),
    StopContainer: pending('StopContainer', 'container_id'),
    RemoveContainer: pending('RemoveContainer', 'container_id'),
    ListContainers: pending('ListContainers'),
    ContainerStatus: pending('ContainerStatus', 'container_id'),
    Exec: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'Exec is not implemented yet' }),
  };
}
