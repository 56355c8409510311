import type { Sandboxes } from '../../sandbox/sandboxes.js';
import type { Containers } from '../../container/containers.js';
import type { Images } from '../../image/images.js';
import type { CniNetwork } from '../../network/cni.js';
import type { StreamingServer } from '../streaming/server.js';
import type { Stats } from '../../container/stats.js';
import type { EventHub } from '../../events/hub.js';

/** What the v1 services translate onto: the same domain objects the seed's use. */
export interface V1Deps {
  sandboxes: Sandboxes;
  containers: Containers;
  images: Images;
  cni: CniNetwork;
  /** Where Exec, Attach and PortForward send their clients. */
  streaming: StreamingServer;
  stats: Stats;
  events: EventHub;
  /** The cgroup driver in use: berth manages cgroups through cgroupfs paths. */
  cgroupDriver: 'cgroupfs' | 'systemd';
  /** Runtime handler names RunPodSandbox accepts besides '' (the default). */
  runtimeHandlers: string[];
  /** Where images live: the directory ImageFsInfo reports, and the dirs whose usage it sums. */
  imageFs: { mountpoint: string; dirs: string[] };
  /** berthd's effective configuration, shown by a verbose Status. */
  config: object;
}
