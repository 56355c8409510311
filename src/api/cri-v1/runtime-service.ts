import type { RuntimeServiceHandlers } from '../gen/v1/runtime/v1/RuntimeService.js';
import { unary, streaming, type RpcEnv } from '../grpc/rpc.js';
import type { V1Deps } from './deps.js';
import { version } from './version.js';
import { status } from './status.js';
import { runtimeConfig } from './runtime-config.js';
import { updateRuntimeConfig } from './update-runtime-config.js';
import { runPodSandbox } from './run-pod-sandbox.js';
import { stopPodSandbox } from './stop-pod-sandbox.js';
import { removePodSandbox } from './remove-pod-sandbox.js';
import { podSandboxStatus } from './pod-sandbox-status.js';
import { listPodSandbox, streamPodSandboxes } from './list-pod-sandbox.js';
import { createContainer } from './create-container.js';
import { startContainer } from './start-container.js';
import { stopContainer } from './stop-container.js';
import { removeContainer } from './remove-container.js';
import { listContainers, streamContainers } from './list-containers.js';
import { containerStatus } from './container-status.js';
import { updateContainerResources } from './update-container-resources.js';
import { updatePodSandboxResources } from './update-pod-sandbox-resources.js';
import { reopenContainerLog } from './reopen-container-log.js';
import { execSync } from './exec-sync.js';
import { exec } from './exec.js';
import { attach } from './attach.js';
import { portForward } from './port-forward.js';
import { containerStats, listContainerStats, streamContainerStats } from './container-stats.js';
import { podSandboxStats, listPodSandboxStats, streamPodSandboxStats } from './pod-sandbox-stats.js';
import { getContainerEvents } from './get-container-events.js';
import { listMetricDescriptors, listPodSandboxMetrics, streamPodSandboxMetrics } from './pod-sandbox-metrics.js';
import { notServed, type UnimplementedMethod } from './unimplemented.js';

/** `runtime.v1.RuntimeService`: each call a thin translation onto the domain, in its own file. */
export function v1RuntimeServiceHandlers(env: RpcEnv, d: V1Deps): RuntimeServiceHandlers {
  const m = (name: string) => `v1.${name}`;
  const no = (name: UnimplementedMethod) => unary(env, m(name), notServed(name));
  return {
    Version: unary(env, m('Version'), version),
    Status: unary(env, m('Status'), status(d)),
    RuntimeConfig: unary(env, m('RuntimeConfig'), runtimeConfig(d)),
    UpdateRuntimeConfig: unary(env, m('UpdateRuntimeConfig'), updateRuntimeConfig(d)),
    RunPodSandbox: unary(env, m('RunPodSandbox'), runPodSandbox(d)),
    StopPodSandbox: unary(env, m('StopPodSandbox'), stopPodSandbox(d)),
    RemovePodSandbox: unary(env, m('RemovePodSandbox'), removePodSandbox(d)),
    PodSandboxStatus: unary(env, m('PodSandboxStatus'), podSandboxStatus(d)),
    ListPodSandbox: unary(env, m('ListPodSandbox'), listPodSandbox(d)),
    StreamPodSandboxes: streaming(env, m('StreamPodSandboxes'), streamPodSandboxes(d)),
    CreateContainer: unary(env, m('CreateContainer'), createContainer(d)),
    StartContainer: unary(env, m('StartContainer'), startContainer(d)),
    StopContainer: unary(env, m('StopContainer'), stopContainer(d)),
    RemoveContainer: unary(env, m('RemoveContainer'), removeContainer(d)),
    ListContainers: unary(env, m('ListContainers'), listContainers(d)),
    StreamContainers: streaming(env, m('StreamContainers'), streamContainers(d)),
    ContainerStatus: unary(env, m('ContainerStatus'), containerStatus(d)),
    UpdateContainerResources: unary(env, m('UpdateContainerResources'), updateContainerResources(d)),
    UpdatePodSandboxResources: unary(env, m('UpdatePodSandboxResources'), updatePodSandboxResources(d)),
    ReopenContainerLog: unary(env, m('ReopenContainerLog'), reopenContainerLog(d)),
    ExecSync: unary(env, m('ExecSync'), execSync(d)),
    Exec: unary(env, m('Exec'), exec(d)),
    Attach: unary(env, m('Attach'), attach(d)),
    PortForward: unary(env, m('PortForward'), portForward(d)),
    ContainerStats: unary(env, m('ContainerStats'), containerStats(d)),
    ListContainerStats: unary(env, m('ListContainerStats'), listContainerStats(d)),
    StreamContainerStats: streaming(env, m('StreamContainerStats'), streamContainerStats(d)),
    PodSandboxStats: unary(env, m('PodSandboxStats'), podSandboxStats(d)),
    ListPodSandboxStats: unary(env, m('ListPodSandboxStats'), listPodSandboxStats(d)),
    StreamPodSandboxStats: streaming(env, m('StreamPodSandboxStats'), streamPodSandboxStats(d)),
    CheckpointContainer: no('CheckpointContainer'),
    GetContainerEvents: streaming(env, m('GetContainerEvents'), getContainerEvents(d)),
    ListMetricDescriptors: unary(env, m('ListMetricDescriptors'), listMetricDescriptors()),
    ListPodSandboxMetrics: unary(env, m('ListPodSandboxMetrics'), listPodSandboxMetrics(d)),
    StreamPodSandboxMetrics: streaming(env, m('StreamPodSandboxMetrics'), streamPodSandboxMetrics(d)),
  };
}
