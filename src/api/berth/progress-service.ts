import type { ServerWritableStream } from '@grpc/grpc-js';
import type { PullProgressHandlers } from '../gen/berth/v1/PullProgress.js';
import type { WatchPullsRequest__Output } from '../gen/berth/v1/WatchPullsRequest.js';
import type { PullEvent } from '../gen/berth/v1/PullEvent.js';
import { streaming, type RpcEnv } from '../grpc/rpc.js';
import { boundedString, MAX_IMAGE_REF } from '../validate.js';
import type { PullProgressHub, PullSnapshot } from '../../image/progress.js';
import { formatReference, parseReference } from '../../image/reference.js';

function toEvent(s: PullSnapshot): PullEvent {
  return {
    image: s.image,
    // A copy: the message may be encoded after the pull has moved on, and must not mix two moments.
    layers: s.layers.map((l) => ({ ...l })),
    total: s.total,
    done: s.done,
    finished: s.finished,
    error: s.error,
    started_at_ms: s.startedAtMs,
  };
}

export function progressServiceHandlers(env: RpcEnv, hub: PullProgressHub): PullProgressHandlers {
  return {
    Watch: streaming(env, 'berth.v1.PullProgress/Watch', (call: ServerWritableStream<WatchPullsRequest__Output, PullEvent>) => {
      const raw = boundedString(call.request.image, 'image', MAX_IMAGE_REF);
      const only = raw ? formatReference(parseReference(raw)) : undefined;
      return new Promise<void>((resolve) => {
        const send = (s: PullSnapshot) => {
          if (!only || s.image === only) call.write(toEvent(s));
        };
        hub.snapshots().forEach(send);
        hub.on('update', send);
        const done = () => {
          hub.off('update', send);
          resolve();
        };
        call.on('cancelled', done);
        call.on('close', done);
      });
    }),
  };
}
