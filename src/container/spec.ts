/** A validated ContainerConfig, as the domain code takes it. */
export interface ContainerSpec {
  name: string;
  attempt: number;
  image: string;
  command: string[];
  args: string[];
  workingDir: string;
  envs: [string, string][];
  mounts: MountSpec[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  privileged: boolean;
  readonlyRootfs: boolean;
  /** Relative to the sandbox's log directory; '' for no log file. */
  logPath: string;
  stdin: boolean;
  stdinOnce: boolean;
  tty: boolean;
  resources: {
    cpuPeriod: number;
    cpuQuota: number;
    cpuShares: number;
    memoryLimit: number;
    oomScoreAdj: number | undefined;
  };
  capAdd: string[];
  capDrop: string[];
  /** Set when linux.user carries a uid; the image's User applies otherwise. */
  user: { uid: number; gid: number | undefined; additionalGids: number[] } | undefined;
  additionalGids: number[];
}

export interface MountSpec {
  containerPath: string;
  hostPath: string;
  readonly: boolean;
  selinuxRelabel: boolean;
}
