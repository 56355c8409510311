import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { ExecRequest__Output } from '../gen/runtime/ExecRequest.js';
import type { ExecResponse } from '../gen/runtime/ExecResponse.js';
import { serveExec } from './exec-service.js';
import type { RuntimeServiceHandlers } from '../gen/runtime/RuntimeService.js';
import { unary, streaming, type RpcEnv } from '../grpc/rpc.js';
import { ListedMessages } from '../grpc/list-encoding.js';
import { invalidArgument } from '../../errors.js';
import { idArg } from '../validate.js';
import type { Sandboxes } from '../../sandbox/sandboxes.js';
import { sandboxFilter, sandboxSpec, toPodSandbox, toSandboxStatus } from './sandbox-messages.js';
import type { Containers } from '../../container/containers.js';
import { containerFilter, containerSpec, toContainer, toContainerStatus } from './container-messages.js';

export interface RuntimeDeps {
  sandboxes: Sandboxes;
  containers: Containers;
}
import { RUNTIME_API_VERSION, RUNTIME_NAME, runtimeVersion } from '../../version.js';

export function runtimeServiceHandlers(env: RpcEnv, { sandboxes, containers }: RuntimeDeps): RuntimeServiceHandlers {
  const listedPods = new ListedMessages(toPodSandbox);
  const listedContainers = new ListedMessages(toContainer);
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
      items: sandboxes.list(sandboxFilter(req.filter)).map((s) => listedPods.of(s, undefined)),
    })),
    CreateContainer: unary(env, 'CreateContainer', async (req) => {
      const sandboxId = idArg(req.pod_sandbox_id, 'pod_sandbox_id');
      return { container_id: await containers.create(sandboxId, containerSpec(req.config)) };
    }),
    StartContainer: unary(env, 'StartContainer', async (req) => {
      await containers.start(idArg(req.container_id, 'container_id'));
      return {};
    }),
    StopContainer: unary(env, 'StopContainer', async (req) => {
      const timeout = Number(req.timeout ?? 0);
      if (!Number.isSafeInteger(timeout) || timeout < 0) throw invalidArgument(`timeout ${req.timeout} must be >= 0`);
      await containers.stop(idArg(req.container_id, 'container_id'), timeout);
      return {};
    }),
    RemoveContainer: unary(env, 'RemoveContainer', async (req) => {
      await containers.remove(idArg(req.container_id, 'container_id'));
      return {};
    }),
    ListContainers: unary(env, 'ListContainers', (req) => ({
      containers: containers.list(containerFilter(req.filter)).map((c) => listedContainers.of(c, undefined)),
    })),
    ContainerStatus: unary(env, 'ContainerStatus', (req) => ({
      status: toContainerStatus(containers.get(idArg(req.container_id, 'container_id'))),
    })),
    Exec: streaming(env, 'Exec', (call: ServerDuplexStream<ExecRequest__Output, ExecResponse>) => serveExec(call, containers)),
  };
}
