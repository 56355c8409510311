import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { spawnChild, type Spawned } from './exec.js';

/** native/nsexec.c, built by `npm run build:native`. */
const NSEXEC = fileURLToPath(new URL('../../../native/build/Release/berth-nsexec', import.meta.url));

/** What the host-side exec path needs from the host; a fake stands in for it in unit tests. */
export interface HostExec {
  /** Whether berth-nsexec is built. */
  available(): boolean;
  /** How many seccomp filters process `pid` has (Seccomp_filters in /proc/PID/status); undefined if it is gone. */
  seccompFilters(pid: number): number | undefined;
  /** The BPF program of process `pid`'s one seccomp filter, copied by ptrace (the process is stopped for microseconds). */
  seccompFilter(pid: number): Promise<Buffer>;
  /** Starts berth-nsexec with `args`; stdin is /dev/null, stdout and stderr are pipes. */
  start(args: string[]): Spawned;
  /** The pids of the processes berth-nsexec `pid` has forked (the command, once it is forked). */
  children(pid: number): number[];
}

export const hostExec: HostExec = {
  available: () => existsSync(NSEXEC),

  seccompFilters(pid) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'utf8');
    } catch {
      return undefined;
    }
    const m = /^Seccomp_filters:\s*(\d+)$/m.exec(status);
    return m ? Number(m[1]) : 0;
  },

  async seccompFilter(pid) {
    const child = spawnChild(NSEXEC, ['seccomp', String(pid)], { env: {}, stdio: ['ignore', 'pipe', 'pipe'] });
    const [, out, err] = child.pipes;
    const read = (s: typeof out) =>
      new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        s!.on('data', (d: Buffer) => chunks.push(d));
        s!.once('error', () => undefined);
        s!.once('close', () => resolve(Buffer.concat(chunks)));
      });
    const [code, bpf, msg] = await Promise.all([child.exited, read(out), read(err)]);
    if (code !== 0) throw new Error(msg.toString().trim() || `berth-nsexec seccomp ${pid}: exit ${code}`);
    return bpf;
  },

  start: (args) => spawnChild(NSEXEC, args, { env: {}, stdio: ['ignore', 'pipe', 'pipe'] }),

  children(pid) {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  },
};
