import type { ExecRequest__Output } from '../gen/v1/runtime/v1/ExecRequest.js';
import type { ExecResponse } from '../gen/v1/runtime/v1/ExecResponse.js';
import { failedPrecondition, invalidArgument } from '../../errors.js';
import { argList, idArg } from '../validate.js';
import type { V1Deps } from './deps.js';
import { copyOutput, streamChoice } from './stream-io.js';

/**
 * A URL of the streaming server that runs `cmd` in the container once a
 * client connects to it, on the same exec path as ExecSync; the process
 * is killed when the client goes away.
 */
export function exec(d: V1Deps) {
  return async (req: ExecRequest__Output): Promise<ExecResponse> => {
    const id = idArg(req.container_id, 'container_id');
    const cmd = argList(req.cmd, 'cmd');
    if (!cmd.length || !cmd[0]) throw invalidArgument('cmd is required');
    const choice = streamChoice(req);
    const rec = d.containers.get(id);
    if (rec.state !== 'RUNNING') throw failedPrecondition(`container ${rec.id} is ${rec.state}, not RUNNING`);
    const url = d.streaming.exec({
      ...choice,
      describe: JSON.stringify(cmd).slice(0, 200),
      run: async (io) => {
        const session = await d.containers.exec(rec.id, cmd, choice.tty);
        const kill = () => session.kill();
        io.signal.addEventListener('abort', kill);
        io.onResize(({ width, height }) => session.resize(width, height));
        if (io.stdin) io.stdin.pipe(session.stdin);
        else session.stdin.end();
        try {
          const [code] = await Promise.all([session.exited, copyOutput(session.stdout, io.stdout), copyOutput(session.stderr, io.stderr)]);
          return code;
        } finally {
          io.signal.removeEventListener('abort', kill);
          io.stdin?.unpipe(session.stdin);
        }
      },
    });
    return { url };
  };
}
