import type { PortMapping } from '../network/cni.js';

/** A validated PodSandboxConfig, as the domain code takes it. */
export interface SandboxSpec {
  name: string;
  namespace: string;
  uid: string;
  attempt: number;
  hostname: string;
  logDirectory: string;
  dns: { servers: string[]; searches: string[] } | null;
  portMappings: PortMapping[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  cgroupParent: string;
  hostNetwork: boolean;
  hostPid: boolean;
  hostIpc: boolean;
}
