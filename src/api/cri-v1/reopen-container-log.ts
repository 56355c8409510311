import type { ReopenContainerLogRequest__Output } from '../gen/v1/runtime/v1/ReopenContainerLogRequest.js';
import { failedPrecondition } from '../../errors.js';
import { reopenContainerLog as reopen } from '../../container/log-reopen.js';
import { idArg } from '../validate.js';
import type { V1Deps } from './deps.js';

/** After the kubelet rotated the log file: its writer (conmon) opens the path anew. Only while the container runs. */
export function reopenContainerLog(d: V1Deps) {
  return (req: ReopenContainerLogRequest__Output): object => {
    const c = d.containers.get(idArg(req.container_id, 'container_id'));
    if (c.state !== 'RUNNING') throw failedPrecondition(`container ${c.id} is ${c.state}, not RUNNING: its log cannot be reopened`);
    reopen(c);
    return {};
  };
}
