import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClients, call, type Clients } from '../src/cli/client.js';
import { socketIsLive } from '../src/daemon/socket.js';
import { BERTHD_NODE_FLAGS, startDaemon } from '../test/helpers/daemon.js';
import { cpuMs, summarise, type Figure } from './lib.js';

const SERVER = fileURLToPath(new URL('./grpc-floor-server.js', import.meta.url));
const N = 1000;
const WARMUP = 200;

interface Target {
  name: string;
  pid: number;
  clients: Clients;
  wall: number[];
  cpu: number[];
}

async function startServer(mode: 'grpc-js' | 'http2', socket: string): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [...BERTHD_NODE_FLAGS, SERVER, mode, socket], { stdio: ['ignore', 'inherit', 'inherit'] });
  const deadline = Date.now() + 15_000;
  while (!(await socketIsLive(socket))) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`${mode} floor server did not come up`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return proc;
}

/**
 * Where an empty call's time goes on the server: CRI v1 Version through
 * berthd, through a bare grpc-js server, and through Node's http2 module
 * with the gRPC framing done by hand, all with berthd's node flags, calls
 * taken in turn from one client. The server CPU per call (all its threads,
 * from /proc) is the floor a List pays before its handler runs.
 */
export async function grpcFloorBench(): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-floor-'));
  const procs: ChildProcess[] = [];
  const targets: Target[] = [];
  const d = await startDaemon();
  try {
    for (const mode of ['grpc-js', 'http2'] as const) {
      const socket = join(dir, `${mode}.sock`);
      const proc = await startServer(mode, socket);
      procs.push(proc);
      const name = mode === 'grpc-js' ? 'bare grpc-js server' : 'node:http2, gRPC framing by hand';
      targets.push({ name, pid: proc.pid!, clients: connectClients(socket), wall: [], cpu: [] });
    }
    targets.unshift({ name: 'berthd', pid: d.proc.pid!, clients: connectClients(d.socket), wall: [], cpu: [] });
    for (let i = 0; i < WARMUP + N; i++) {
      for (let k = 0; k < targets.length; k++) {
        const t = targets[(i + k) % targets.length];
        const c0 = cpuMs(t.pid);
        const t0 = process.hrtime.bigint();
        await call(t.clients.v1Runtime, t.clients.v1Runtime.Version, {}, 10_000);
        const wall = Number(process.hrtime.bigint() - t0) / 1e6;
        if (i < WARMUP) continue;
        t.wall.push(wall);
        t.cpu.push(cpuMs(t.pid) - c0);
      }
    }
    return targets.flatMap((t) => [
      summarise('grpc floor', `Version round trip: ${t.name}`, t.wall, 'ms'),
      summarise('grpc floor', `Version, server CPU per call: ${t.name}`, t.cpu, 'ms'),
    ]);
  } finally {
    for (const t of targets) t.clients.close();
    await Promise.all(procs.map((p) => new Promise((r) => (p.exitCode !== null ? r(null) : (p.once('exit', r), p.kill('SIGKILL'))))));
    await d.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}
