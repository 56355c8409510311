import type { ImageFsInfoResponse } from '../gen/v1/runtime/v1/ImageFsInfoResponse.js';
import { diskUsage, type DiskUsage } from '../../host/disk-usage.js';
import { nowNs } from '../../ids.js';
import type { V1Deps } from './deps.js';

/** How old a figure may be before a call has it measured again (the kubelet asks every few seconds). */
const MAX_AGE_MS = 10_000;

/**
 * What berth's image store takes on its filesystem: blobs and unpacked
 * layers, counted as `du` would; and what containers' writable layers
 * take, from the background measurement the stats use. Both are on the
 * same filesystem, so both name the same mountpoint (no split image fs).
 */
export function imageFsInfo(d: V1Deps) {
  let last: { usage: DiskUsage; at: number; timestamp: string } | undefined;
  let measuring: Promise<void> | undefined;
  const measure = () =>
    (measuring ??= diskUsage(d.imageFs.dirs)
      .then((usage) => void (last = { usage, at: Date.now(), timestamp: nowNs() }))
      .finally(() => (measuring = undefined)));
  return async (): Promise<ImageFsInfoResponse> => {
    if (!last || Date.now() - last.at > MAX_AGE_MS) await measure();
    const { usage, timestamp } = last!;
    const layers = d.stats.writableLayersTotal();
    return {
      image_filesystems: [
        {
          timestamp,
          fs_id: { mountpoint: d.imageFs.mountpoint },
          used_bytes: { value: usage.bytes },
          inodes_used: { value: usage.inodes },
        },
      ],
      container_filesystems: [
        {
          timestamp: layers.timestamp,
          fs_id: { mountpoint: d.imageFs.mountpoint },
          used_bytes: { value: layers.usedBytes },
          inodes_used: { value: layers.inodesUsed },
        },
      ],
    };
  };
}
