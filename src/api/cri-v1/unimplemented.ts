import { unimplemented } from '../../errors.js';

/** The v1 calls berth does not serve yet, and what each is missing; each has its own issue. */
export const UNIMPLEMENTED_FEATURES = {
  Exec: 'streaming Exec (a URL of a streaming server) is not implemented yet (issue #11); ExecSync works',
  Attach: 'streaming Attach is not implemented yet (issue #11)',
  PortForward: 'streaming PortForward is not implemented yet (issue #11)',
  ListMetricDescriptors: 'pod sandbox metrics are not implemented yet (issue #12)',
  ListPodSandboxMetrics: 'pod sandbox metrics are not implemented yet (issue #12)',
  StreamPodSandboxMetrics: 'pod sandbox metrics are not implemented yet (issue #12)',
  CheckpointContainer: 'container checkpoint is not supported: berth has no CRIU support',
} as const;

export type UnimplementedMethod = keyof typeof UNIMPLEMENTED_FEATURES;

export function notServed(method: UnimplementedMethod): () => never {
  return () => {
    throw unimplemented(`${method}: ${UNIMPLEMENTED_FEATURES[method]}`);
  };
}
