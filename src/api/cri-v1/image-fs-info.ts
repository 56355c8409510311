import type { ImageFsInfoResponse } from '../gen/v1/runtime/v1/ImageFsInfoResponse.js';
import { diskUsage } from '../../host/disk-usage.js';
import { nowNs } from '../../ids.js';
import type { V1Deps } from './deps.js';

/**
 * What berth's image store takes on its filesystem: blobs and unpacked
 * layers, counted as `du` would. Containers' writable layers live on the
 * same filesystem, so there is no separate container filesystem to report.
 */
export function imageFsInfo(d: V1Deps) {
  return (): ImageFsInfoResponse => {
    const usage = diskUsage(d.imageFs.dirs);
    return {
      image_filesystems: [
        {
          timestamp: nowNs(),
          fs_id: { mountpoint: d.imageFs.mountpoint },
          used_bytes: { value: usage.bytes },
          inodes_used: { value: usage.inodes },
        },
      ],
    };
  };
}
