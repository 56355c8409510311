import * as grpc from '@grpc/grpc-js';
import type { RuntimeServiceHandlers } from './gen/runtime/RuntimeService.js';
import { unary, type RpcEnv } from './rpc.js';
import { BerthError } from '../errors.js';
import { RUNTIME_API_VERSION, RUNTIME_NAME, runtimeVersion } from '../version.js';

function notYet(method: string): never {
  throw new BerthError('UNIMPLEMENTED', `${method} is not implemented yet`);
}

export function runtimeServiceHandlers(env: RpcEnv): RuntimeServiceHandlers {
  const pending = <Req, Res>(method: string) => unary<Req, Res>(env, method, () => notYet(method));
  return {
    Version: unary(env, 'Version', () => ({
      version: RUNTIME_API_VERSION,
      runtime_name: RUNTIME_NAME,
      runtime_version: runtimeVersion(),
      runtime_api_version: RUNTIME_API_VERSION,
    })),
    CreatePodSandbox: pending('CreatePodSandbox'),
    StopPodSandbox: pending('StopPodSandbox'),
    RemovePodSandbox: pending('RemovePodSandbox'),
    PodSandboxStatus: pending('PodSandboxStatus'),
    ListPodSandbox: pending('ListPodSandbox'),
    CreateContainer: pending('CreateContainer'),
    StartContainer: pending('StartContainer'),
    StopContainer: pending('StopContainer'),
    RemoveContainer: pending('RemoveContainer'),
    ListContainers: pending('ListContainers'),
    ContainerStatus: pending('ContainerStatus'),
    Exec: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'Exec is not implemented yet' }),
  };
}
