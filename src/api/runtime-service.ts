import * as grpc from '@grpc/grpc-js';
import type { RuntimeServiceHandlers } from './gen/runtime/RuntimeService.js';
import { unary, type RpcEnv } from './rpc.js';
import { BerthError } from '../errors.js';
import { idArg, sandboxSpec } from './validate.js';
import type { Sandboxes } from '../sandbox/sandboxes.js';
import { sandboxFilter, toPodSandbox, toSandboxStatus } from './sandbox-messages.js';

export interface RuntimeDeps {
  sandboxes: Sandboxes;
}
import { RUNTIME_API_VERSION, RUNTIME_NAME, runtimeVersion } from '../version.js';

function notYet(method: string): never {
  throw new BerthError('UNIMPLEMENTED', `${method} is not implemented yet`);
}

export function runtimeServiceHandlers(env: RpcEnv, { sandboxes }: RuntimeDeps): RuntimeServiceHandlers {
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
    CreatePodSandbox: unary(env, 'CreatePodSandbox', async (req) => ({
      pod_sandbox_id: await sandboxes.create(sandboxSpec(req.config)),
    })),
    StopPodSandbox: unary(env, 'StopPodSandbox', async (req) => {
      await sandboxes.stop(idArg(req.pod_sandbox_id, 'pod_sandbox_id'));
      return {};
    }),
    RemovePodSandbox: unary(env, 'RemovePodSandbox', async (req) => {
      await sandboxes.remove(idArg(req.pod_sandbox_id, 'pod_sandbox_id'));
      return {};
    }),
    PodSandboxStatus: unary(env, 'PodSandboxStatus', (req) => ({
      status: toSandboxStatus(sandboxes.get(idArg(req.pod_sandbox_id, 'pod_sandbox_id'))),
    })),
    ListPodSandbox: unary(env, 'ListPodSandbox', (req) => ({
      items: sandboxes.list(sandboxFilter(req.filter)).map(toPodSandbox),
    })),
    CreateContainer: pending('CreateContainer'),
    StartContainer: pending('StartContainer', 'container_id'),
    StopContainer: pending('StopContainer', 'container_id'),
    RemoveContainer: pending('RemoveContainer', 'container_id'),
    ListContainers: pending('ListContainers'),
    ContainerStatus: pending('ContainerStatus', 'container_id'),
    Exec: (call) => call.emit('error', { code: grpc.status.UNIMPLEMENTED, details: 'Exec is not implemented yet' }),
  };
}
