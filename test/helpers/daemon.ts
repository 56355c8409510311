import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectClients, call, type Clients } from '../../src/cli/client.js';
import { socketIsLive } from '../../src/daemon/socket.js';

export const BERTHD = fileURLToPath(new URL('../../src/daemon/main.js', import.meta.url));
export const BERTHCTL = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The node flags berthd's shebang line asks for, so tests run it as installed. */
export const BERTHD_NODE_FLAGS = (/^#!.*\bnode\b(.*)$/m.exec(readFileSync(BERTHD, 'utf8').split('\n')[0])?.[1] ?? '').trim().split(/\s+/).filter(Boolean);

export interface DaemonOptions {
  args?: string[];
  config?: string;
  /** Reuse these dirs (a restart) instead of fresh temp ones. */
  dirs?: { base: string };
}

export class TestDaemon {
  readonly socket: string;
  readonly root: string;
  readonly state: string;
  proc!: ChildProcess;
  stderr = '';
  clients!: Clients;
  exited: Promise<number | null>;
  private exitedResolve!: (code: number | null) => void;

  constructor(
    readonly base: string,
    private readonly opts: DaemonOptions,
  ) {
    this.socket = join(base, 'berth.sock');
    this.root = join(base, 'root');
    this.state = join(base, 'state');
    this.exited = new Promise((r) => (this.exitedResolve = r));
  }

  args(): string[] {
    const a = ['--socket', this.socket, '--root', this.root, '--state', this.state, '--log-level', 'warn'];
    // berthd installs its default network into the conf dir: never the host's /etc/cni/net.d from a test.
    if (!(this.opts.args ?? []).includes('--cni-conf-dir') && !this.opts.config?.includes('conf_dir')) a.push('--cni-conf-dir', join(this.base, 'net.d'));
    if (this.opts.config !== undefined) {
      const file = join(this.base, 'config.toml');
      writeFileSync(file, this.opts.config);
      a.push('--config', file);
    }
    return [...a, ...(this.opts.args ?? [])];
  }

  spawn(): void {
    this.proc = spawn(process.execPath, [...BERTHD_NODE_FLAGS, BERTHD, ...this.args()], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.proc.on('exit', (code) => this.exitedResolve(code));
  }

  /** A berthd that does not come up is killed: left running, it would keep the test runner alive. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) throw new Error(`berthd exited during start: ${this.stderr}`);
      if (await socketIsLive(this.socket)) {
        this.clients = connectClients(this.socket);
        return;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    this.proc.kill('SIGKILL');
    await this.exited;
    throw new Error(`berthd did not come up in ${timeoutMs} ms: ${this.stderr}`);
  }

  rt<Res>(method: string, req: object): Promise<Res> {
    return call(this.clients.runtime, (this.clients.runtime as unknown as Record<string, never>)[method], req, 60_000);
  }

  img<Res>(method: string, req: object): Promise<Res> {
    return call(this.clients.image, (this.clients.image as unknown as Record<string, never>)[method], req, 120_000);
  }

  /** SIGTERM and wait; returns the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    this.clients?.close();
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill(signal);
    return this.exited;
  }

  /** Stop and delete every dir it used. */
  async dispose(): Promise<void> {
    await this.stop();
    rmSync(this.base, { recursive: true, force: true });
  }
}

export async function startDaemon(opts: DaemonOptions = {}): Promise<TestDaemon> {
  const base = opts.dirs?.base ?? mkdtempSync(join(tmpdir(), 'berth-test-'));
  const d = new TestDaemon(base, opts);
  d.spawn();
  await d.waitReady();
  return d;
}

/** Runs berthctl against a daemon; resolves with its exit code and output. */
export function berthctl(socket: string, args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [BERTHCTL, '-r', socket, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
    p.stdin.end(input ?? '');
  });
}
