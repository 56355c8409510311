import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { StreamingServer } from '../src/api/streaming/server.js';
import type { RemoteCommand } from '../src/api/streaming/types.js';
import { createLogger } from '../src/daemon/log.js';
import { PodFixture } from '../test/helpers/pod.js';
import { buildStreamClient } from '../test/helpers/stream-client.js';
import { v1rt } from '../test/helpers/v1.js';
import { summarise, timeIt, type Figure } from './lib.js';

/** What one exec session through the streaming server brought back. */
interface Session {
  bytes: number;
  status: string;
}

/**
 * The Go client (spdystream, as client-go) in its loop mode, started once:
 * each URL written to it is one exec session, answered with a JSON line.
 */
class SpdyClient {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: { resolve: (s: Session) => void; reject: (err: Error) => void }[] = [];

  constructor(binary: string) {
    this.proc = spawn(binary, ['loop']);
    this.proc.stderr.on('data', (d: Buffer) => process.stderr.write(`stream-client: ${d.toString()}`));
    createInterface({ input: this.proc.stdout }).on('line', (line) => this.waiting.shift()?.resolve(JSON.parse(line) as Session));
    this.proc.on('exit', (code) => this.waiting.splice(0).forEach((w) => w.reject(new Error(`stream-client exited ${code}`))));
  }

  run(url: string): Promise<Session> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.proc.stdin.write(`${url}\n`);
    });
  }

  close(): void {
    this.proc.stdin.end();
  }
}

/** One exec session over WebSocket (v4.channel.k8s.io) with ws, stdout counted and dropped. */
function wsRun(url: string): Promise<Session> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), ['v4.channel.k8s.io']);
    let bytes = 0;
    let status = '';
    ws.on('message', (m: Buffer) => {
      if (m[0] === 1) bytes += m.length - 1;
      else if (m[0] === 3) status += m.subarray(1).toString();
    });
    ws.on('close', () => resolve({ bytes, status }));
    ws.on('error', reject);
  });
}

/** CPU time a process has used, user and system, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the command; in clock ticks of 100 Hz.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssKiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
}

const STREAM_BYTES = 256 * 1024 * 1024;
/**
 * The producer writes 1 MiB a syscall: busybox `head -c` writes 4 KiB a
 * syscall, and under the default seccomp profile on a loaded 2-core VM
 * that alone capped it at ~8 MB/s, measuring the container, not the stream.
 */
const PRODUCER = ['dd', 'if=/dev/zero', 'bs=1M', `count=${STREAM_BYTES >> 20}`];
const LATENCY_RUNS = 50;
const THROUGHPUT_RUNS = 3;

/** A command that writes STREAM_BYTES of zeros from memory, at the pace the client reads. */
function zeros(): RemoteCommand {
  const chunk = Buffer.alloc(1 << 20);
  return {
    stdin: false,
    stdout: true,
    stderr: false,
    tty: false,
    describe: 'zeros',
    run: async (io) => {
      const out = io.stdout!;
      for (let sent = 0; sent < STREAM_BYTES && !io.signal.aborted; sent += chunk.length)
        if (!out.write(chunk)) await new Promise((res) => out.once('drain', res));
      return 0;
    },
  };
}

/**
 * Exec through the streaming server, as the kubelet drives it: the v1 Exec
 * call, then the client's session on the URL, to the exit status on the
 * error stream; over SPDY (the Go spdystream client, already running, as
 * the kubelet is) and WebSocket (ws, in this process). Latency: `true`.
 * Throughput: 256 MiB of zeros from `dd bs=1M` on stdout (the same dd into
 * /dev/null through ExecSync is the producer's own pace), with berthd's
 * CPU time per MB and its peak RSS over each run (VmHWM, reset before it
 * through clear_refs). For scale, the same streaming server alone, in this
 * process with its output from memory: no container, no runc, no pipe.
 */
export async function streamingBench(): Promise<Figure[]> {
  const work = mkdtempSync(join(tmpdir(), 'berth-bench-streaming-'));
  const f = await PodFixture.start('10.123.253.0/24');
  let spdy: SpdyClient | undefined;
  try {
    const binary = join(work, 'stream-client');
    await buildStreamClient(binary);
    spdy = new SpdyClient(binary);
    const pod = (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: f.podConfig('bench-streaming') })).pod_sandbox_id;
    const ctr = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'target' }, image: { image: f.image }, command: ['sleep', '100000'] },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: ctr });
    const pid = f.d.proc.pid!;
    const execUrl = async (cmd: string[]) => (await v1rt<{ url: string }>(f.d, 'Exec', { container_id: ctr, cmd, stdout: true })).url;
    const clients: [string, (url: string) => Promise<Session>][] = [
      ['SPDY', (url) => spdy!.run(url)],
      ['WebSocket', wsRun],
    ];
    const producer = await timeIt(THROUGHPUT_RUNS, () =>
      v1rt(f.d, 'ExecSync', { container_id: ctr, cmd: [...PRODUCER, 'of=/dev/null'], timeout: 600 }, 600_000),
    );
    const figures: Figure[] = [
      summarise(
        'streaming',
        'producer alone in the container (dd to /dev/null, ExecSync)',
        producer.map((ms) => STREAM_BYTES / 1e6 / (ms / 1000)),
        'MB/s',
      ),
    ];
    const alone = await StreamingServer.start('127.0.0.1', 0, createLogger('silent'));
    try {
      for (const [name, run] of clients) {
        const rates = await timeIt(THROUGHPUT_RUNS, async () => {
          const s = await run(alone.exec(zeros()));
          if (s.bytes !== STREAM_BYTES) throw new Error(`${name}: ${s.bytes} bytes from the server alone`);
        });
        figures.push(summarise('streaming', `${name}: server alone, output from memory (no container)`, rates.map((ms) => STREAM_BYTES / 1e6 / (ms / 1000)), 'MB/s'));
      }
    } finally {
      await alone.close();
    }
    for (const [name, run] of clients) {
      const once = async (cmd: string[], bytes: number) => {
        const s = await run(await execUrl(cmd));
        if (s.bytes !== bytes || !s.status.includes('"Success"')) throw new Error(`${name} exec ${cmd.join(' ')}: ${s.bytes} bytes, status ${s.status}`);
      };
      await timeIt(5, () => once(['true'], 0));
      const rpcOnly = await timeIt(LATENCY_RUNS, () => execUrl(['true']));
      const rtt = await timeIt(LATENCY_RUNS, () => once(['true'], 0));
      const rates: number[] = [];
      const peaks: number[] = [];
      const cpu: number[] = [];
      const before = rssKiB(pid, 'VmRSS') / 1024;
      for (let i = 0; i < THROUGHPUT_RUNS; i++) {
        writeFileSync(`/proc/${pid}/clear_refs`, '5');
        const cpu0 = cpuSeconds(pid);
        const [ms] = await timeIt(1, () => once(PRODUCER, STREAM_BYTES));
        cpu.push(((cpuSeconds(pid) - cpu0) * 1000) / (STREAM_BYTES / 1e6));
        rates.push(STREAM_BYTES / 1e6 / (ms / 1000));
        peaks.push(rssKiB(pid, 'VmHWM') / 1024);
      }
      figures.push(
        summarise('streaming', `${name}: Exec RPC alone (URL)`, rpcOnly, 'ms'),
        summarise('streaming', `${name}: exec true, Exec RPC to exit status`, rtt, 'ms'),
        summarise('streaming', `${name}: stdout throughput (256 MiB)`, rates, 'MB/s'),
        summarise('streaming', `${name}: berthd CPU per MB of stdout`, cpu, 'ms/MB'),
        summarise('streaming', `${name}: berthd RSS before streaming`, [before], 'MiB'),
        summarise('streaming', `${name}: berthd peak RSS while streaming`, peaks, 'MiB'),
      );
    }
    return figures;
  } finally {
    spdy?.close();
    await f.dispose();
    rmSync(work, { recursive: true, force: true });
  }
}
