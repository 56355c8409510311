import type { PullProgressHandlers } from './gen/berth/v1/PullProgress.js';
import { streaming, type RpcEnv } from './rpc.js';
import { BerthError } from '../errors.js';

export function progressServiceHandlers(env: RpcEnv): PullProgressHandlers {
  return {
    Watch: streaming(env, 'berth.v1.PullProgress/Watch', async () => {
      throw new BerthError('UNIMPLEMENTED', 'pull progress is not implemented yet');
    }),
  };
}
