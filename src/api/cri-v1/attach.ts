import type { AttachRequest__Output } from '../gen/v1/runtime/v1/AttachRequest.js';
import type { AttachResponse } from '../gen/v1/runtime/v1/AttachResponse.js';
import { failedPrecondition } from '../../errors.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';
import { copyOutput, streamChoice } from './stream-io.js';

/**
 * A URL of the streaming server that attaches its client to the
 * container's own stdio. The session ends when the container's output
 * does (it exited), when the client ends its stdin, or when it goes away;
 * the container carries on.
 */
export function attach(d: V1Deps) {
  return async (req: AttachRequest__Output): Promise<AttachResponse> => {
    const id = idArg(req.container_id, 'container_id');
    const choice = streamChoice(req);
    const rec = d.containers.get(id);
    if (rec.state !== 'RUNNING') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not RUNNING`);
    const url = d.streaming.attach({
      ...choice,
      describe: `attach ${rec.id.slice(0, 12)}`,
      run: async (io) => {
        const session = d.containers.attach(rec.id);
        const detach = () => session.detach();
        io.signal.addEventListener('abort', detach);
        io.onResize(({ width, height }) => session.resize(width, height));
        if (io.stdin && session.stdin) io.stdin.pipe(session.stdin);
        else if (io.stdin) io.stdin.once('end', detach).resume();
        try {
          await Promise.all([session.ended, copyOutput(session.stdout, io.stdout), copyOutput(session.stderr, io.stderr)]);
          return 0;
        } finally {
          io.signal.removeEventListener('abort', detach);
        }
      },
    });
    return { url };
  };
}
