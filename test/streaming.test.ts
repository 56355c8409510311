import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import { PodFixture } from './helpers/pod.js';
import { v1rt, code } from './helpers/v1.js';
import { TokenCache } from '../src/api/streaming/tokens.js';
import { StreamingServer } from '../src/api/streaming/server.js';
import type { RemoteCommand } from '../src/api/streaming/types.js';
import { createLogger } from '../src/daemon/log.js';
import { startDaemon } from './helpers/daemon.js';
import { buildStreamClient } from './helpers/stream-client.js';

// Exec, Attach and PortForward through berthd's streaming server, driven by
// test/go/stream-client: the kubelet's protocols spoken with spdystream, the
// SPDY library client-go uses (Debian's golang-github-docker-spdystream-dev).

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  result: { protocol?: string; status?: string; connections?: { data: string; error: string }[] };
}

/** One remotecommand session over WebSocket with the ws client: what came on each channel. */
function wsSession(url: string, protocol: string, o: { stdin?: string; closeStdin?: boolean; resize?: string } = {}): Promise<{ protocol: string; out: string[] }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), [protocol]);
    const b64 = protocol.includes('base64');
    const out = ['', '', '', ''];
    const send = (channel: number, data: string) =>
      ws.send(b64 ? String(channel) + Buffer.from(data).toString('base64') : Buffer.concat([Buffer.from([channel]), Buffer.from(data)]));
    ws.on('open', () => {
      if (o.resize) send(4, o.resize);
      if (o.stdin) send(0, o.stdin);
      if (o.closeStdin) ws.send(Buffer.from([255, 0]));
    });
    ws.on('message', (m: Buffer, binary: boolean) => {
      const channel = binary ? m[0] : m[0] - 48;
      out[channel] += binary ? m.subarray(1).toString() : Buffer.from(m.subarray(1).toString(), 'base64').toString();
    });
    ws.on('close', () => resolve({ protocol: ws.protocol, out }));
    ws.on('error', reject);
  });
}

interface V1Status {
  status: string;
  reason?: string;
  message?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

describe('streaming: exec, attach, port-forward over SPDY and WebSocket', () => {
  let f: PodFixture;
  let work: string;
  let client: string;
  let pod: string;
  let ctr: string;
  let runs = 0;

  /** Runs the Go client; `input` is its stdin, `killAfterMs` kills it (a client that vanishes), `spawned` gets the process. */
  const stream = (args: string[], input = '', killAfterMs?: number, spawned?: (p: ChildProcess) => void): Promise<Run> => {
    const resultFile = join(work, `result-${++runs}.json`);
    return new Promise((resolve) => {
      const p = spawn(client, [...args, '-result', resultFile], { stdio: ['pipe', 'pipe', 'pipe'] });
      spawned?.(p);
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs ?? 30_000);
      p.on('close', (code) => {
        clearTimeout(timer);
        let result = {};
        try {
          result = JSON.parse(readFileSync(resultFile, 'utf8')) as object;
        } catch {
          /* killed, or refused before the end */
        }
        resolve({ code, stdout, stderr, result });
      });
      p.stdin.on('error', () => undefined);
      p.stdin.end(input);
    });
  };
  const execUrl = async (req: object) => (await v1rt<{ url: string }>(f.d, 'Exec', { container_id: ctr, ...req })).url;
  const status = (r: Run) => JSON.parse(r.result.status ?? '') as V1Status;
  // An endless writer with a command line no other process has, found on the host by it.
  const FLOOD = ['head', '-c', '1999999937', '/dev/zero'];
  const floodPid = () => {
    const r = spawnSync('pgrep', ['-f', `^${FLOOD.join(' ')}$`]);
    return Number(r.stdout.toString().trim().split('\n')[0]) || 0;
  };
  /** What the flood process has written so far (0 before it starts). */
  const floodWritten = () => {
    const pid = floodPid();
    if (!pid) return 0;
    try {
      return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1] ?? 0);
    } catch {
      return 0;
    }
  };
  /** The flood process goes with its client. */
  const floodGone = async () => {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && floodPid()) await new Promise((res) => setTimeout(res, 100));
    assert.equal(floodPid(), 0, 'the process went with its client');
  };
  const berthdRss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${f.d.proc.pid}/status`, 'utf8'))![1]) * 1024;
  /** Whether `count` still grows after 15 s: false once two non-zero readings a second apart agree (flow has stopped). */
  const settles = async (count: () => number): Promise<boolean> => {
    const deadline = Date.now() + 15_000;
    let last = -1;
    while (Date.now() < deadline) {
      await new Promise((res) => setTimeout(res, 1000));
      const now = count();
      if (now === last && now > 0) return false;
      last = now;
    }
    return true;
  };
  const execSync = async (cmd: string[]) => (await v1rt<{ stdout: Buffer }>(f.d, 'ExecSync', { container_id: ctr, cmd, timeout: 10 })).stdout.toString();

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-streaming-'));
    client = join(work, 'stream-client');
    await buildStreamClient(client);
    f = await PodFixture.start('10.123.72.0/24');
    pod = (await v1rt<{ pod_sandbox_id: string }>(f.d, 'RunPodSandbox', { config: f.podConfig('stream') })).pod_sandbox_id;
    ctr = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'main' }, image: { image: f.image }, command: ['sleep', '1000'] },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: ctr });
  });
  after(async () => {
    await f?.dispose();
    rmSync(work, { recursive: true, force: true });
  });

  test('exec: stdout and stderr apart, the exit status as v4 reports it', async () => {
    const ok = await stream(['exec', await execUrl({ cmd: ['sh', '-c', 'echo out; echo err >&2'], stdout: true, stderr: true }), '-stdout', '-stderr']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, 'out\n');
    assert.equal(ok.stderr, 'err\n');
    assert.equal(ok.result.protocol, 'v4.channel.k8s.io');
    assert.equal(status(ok).status, 'Success');

    const failed = await stream(['exec', await execUrl({ cmd: ['sh', '-c', 'exit 7'], stdout: true }), '-stdout']);
    const st = status(failed);
    assert.equal(st.status, 'Failure');
    assert.equal(st.reason, 'NonZeroExitCode');
    assert.deepEqual(st.details?.causes, [{ reason: 'ExitCode', message: '7' }]);

    const missing = await stream(['exec', await execUrl({ cmd: ['/no/such/binary'], stdout: true }), '-stdout']);
    assert.deepEqual(status(missing).details?.causes, [{ reason: 'ExitCode', message: '127' }]);
  });

  test('exec: older protocols (v2, channel.k8s.io) get the error as text, success as nothing', async () => {
    const v2 = await stream(['exec', await execUrl({ cmd: ['sh', '-c', 'echo v2; exit 3'], stdout: true }), '-stdout', '-protocols', 'v2.channel.k8s.io']);
    assert.equal(v2.result.protocol, 'v2.channel.k8s.io');
    assert.equal(v2.stdout, 'v2\n');
    assert.match(v2.result.status ?? '', /^command terminated with non-zero exit code: .*exit code 3$/);
    const v1 = await stream(['exec', await execUrl({ cmd: ['true'], stdout: true }), '-stdout', '-protocols', 'channel.k8s.io']);
    assert.equal(v1.result.protocol, 'channel.k8s.io');
    assert.equal(v1.result.status, '');
  });

  test('exec: stdin reaches the process and its close ends the input', async () => {
    const r = await stream(['exec', await execUrl({ cmd: ['sh', '-c', 'wc -c; echo done'], stdin: true, stdout: true }), '-stdin', '-stdout'], 'x'.repeat(300_000));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split(/\s+/).join(' '), '300000 done');
  });

  test('exec: much output arrives whole (no flow-control stall after 64 KiB)', async () => {
    const r = await stream(['exec', await execUrl({ cmd: ['sh', '-c', 'head -c 3000000 /dev/zero | tr "\\0" a'], stdout: true }), '-stdout']);
    assert.equal(r.stdout.length, 3_000_000);
    assert.equal(status(r).status, 'Success');
  });

  test('exec with a tty: the terminal takes the client size, resized as the client says', async () => {
    // The second size comes 2 s after the first, between the two reads.
    const url = await execUrl({ cmd: ['sh', '-c', 'sleep 1; stty size; sleep 2; stty size'], stdin: true, stdout: true, tty: true });
    const r = await stream(['exec', url, '-stdin', '-stdout', '-tty', '-resize', '100x40,20x10', '-resize-every', '2s']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.stdout.trim().split(/\r?\n/), ['40 100', '10 20']);
  });

  test('exec over WebSocket: binary and base64 channels, v4 status, v5 stdin close, tty resize', async () => {
    const bin = await wsSession(await execUrl({ cmd: ['sh', '-c', 'echo out; echo err >&2; exit 5'], stdout: true, stderr: true }), 'v4.channel.k8s.io');
    assert.equal(bin.protocol, 'v4.channel.k8s.io');
    assert.deepEqual(bin.out.slice(1, 3), ['out\n', 'err\n']);
    assert.deepEqual((JSON.parse(bin.out[3]) as V1Status).details?.causes, [{ reason: 'ExitCode', message: '5' }]);
    const b64 = await wsSession(await execUrl({ cmd: ['echo', 'in base64'], stdout: true }), 'v4.base64.channel.k8s.io');
    assert.equal(b64.out[1], 'in base64\n');
    assert.equal((JSON.parse(b64.out[3]) as V1Status).status, 'Success');
    const v5 = await wsSession(await execUrl({ cmd: ['wc', '-c'], stdin: true, stdout: true }), 'v5.channel.k8s.io', { stdin: 'twelve bytes', closeStdin: true });
    assert.equal(v5.out[1].trim(), '12');
    const tty = await wsSession(await execUrl({ cmd: ['sh', '-c', 'sleep 1; stty size'], stdout: true, tty: true }), 'v4.channel.k8s.io', { resize: '{"Width":77,"Height":22}' });
    assert.equal(tty.out[1].trim(), '22 77');
    const old = await wsSession(await execUrl({ cmd: ['sh', '-c', 'exit 2'], stdout: true }), 'channel.k8s.io');
    assert.match(old.out[3], /^command terminated with non-zero exit code: .*exit code 2$/);
  });

  test('a client that vanishes mid-stream: its process is killed', async () => {
    const r = await stream(['exec', await execUrl({ cmd: ['sleep', '777'], stdout: true }), '-stdout'], '', 1500);
    assert.equal(r.code, null, 'the client was killed');
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && (await execSync(['ps'])).includes('sleep 777')) await new Promise((res) => setTimeout(res, 100));
    assert.doesNotMatch(await execSync(['ps']), /sleep 777/);
  });

  test('50 sessions at once, over SPDY and WebSocket, each get their own output', async () => {
    const urls = await Promise.all(Array.from({ length: 50 }, (_, i) => execUrl({ cmd: ['sh', '-c', `echo session-${i}`], stdout: true })));
    const outs = await Promise.all(
      urls.map(async (u, i) => {
        if (i % 2) {
          const w = await wsSession(u, 'v4.channel.k8s.io');
          return { out: w.out[1], status: (JSON.parse(w.out[3]) as V1Status).status, err: '' };
        }
        const r = await stream(['exec', u, '-stdout']);
        return { out: r.stdout, status: status(r).status, err: r.stderr };
      }),
    );
    outs.forEach((o, i) => {
      assert.equal(o.out, `session-${i}\n`, o.err);
      assert.equal(o.status, 'Success');
    });
  });

  test('a client that stops reading stops the output instead of growing berthd', async () => {
    const before = berthdRss();
    let p: ChildProcess | undefined;
    const run = stream(['exec', await execUrl({ cmd: FLOOD, stdout: true }), '-stdout', '-stall'], '', 30_000, (c) => (p = c));
    const moving = await settles(floodWritten);
    const written = floodWritten();
    const grown = berthdRss() - before;
    p!.kill('SIGKILL');
    assert.equal((await run).code, null, 'the stalled client was killed');
    assert.ok(!moving, 'the process was held back');
    assert.ok(written < 64 * 1024 * 1024, `the process got to write ${written} bytes`);
    assert.ok(grown < 64 * 1024 * 1024, `berthd grew by ${grown} bytes`);
    await floodGone();
  });

  test('a WebSocket client that stops reading stops the output too, and its process goes with it', async () => {
    const before = berthdRss();
    const ws = new WebSocket((await execUrl({ cmd: FLOOD, stdout: true })).replace(/^http/, 'ws'), ['v4.channel.k8s.io']);
    let got = 0;
    ws.on('message', (m: Buffer) => {
      got += m.length;
      // ws stops reading its socket: the kernel's buffers fill, then berthd's writes wait.
      if (got > 1 << 20) ws.pause();
    });
    ws.on('error', () => undefined);
    const moving = await settles(floodWritten);
    const written = floodWritten();
    const grown = berthdRss() - before;
    ws.terminate();
    assert.ok(got > 0, 'output came before the client stopped reading');
    assert.ok(!moving, 'the process was held back');
    assert.ok(written < 64 * 1024 * 1024, `the process got to write ${written} bytes`);
    assert.ok(grown < 64 * 1024 * 1024, `berthd grew by ${grown} bytes`);
    await floodGone();
  });

  test('stdin to a process that does not read it: the client is held back (SPDY and WebSocket), berthd stays bounded', async () => {
    // SPDY: the Go client copies 1 GB from head; what head got written is what the session took in.
    const url = await execUrl({ cmd: ['sleep', '1000'], stdin: true });
    const before = berthdRss();
    const flood = spawn('sh', ['-c', 'head -c 1000000000 /dev/zero | "$0" exec "$1" -stdin', client, url], { detached: true, stdio: 'ignore' });
    await new Promise((res) => setTimeout(res, 500));
    const head = readFileSync(`/proc/${flood.pid}/task/${flood.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const written = () => Math.max(...head.map((p) => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${p}/io`, 'utf8'))?.[1] ?? 0)));
    const moving = await settles(written);
    const taken = written();
    const grown = berthdRss() - before;
    process.kill(-flood.pid!, 'SIGKILL');
    assert.ok(!moving, 'the client was held back');
    assert.ok(taken < 64 * 1024 * 1024, `the session took ${taken} bytes of stdin`);
    assert.ok(grown < 64 * 1024 * 1024, `berthd grew by ${grown} bytes`);

    // WebSocket: 256 KiB messages whenever the client's own buffer is low; what left it is what the session took in.
    const wsBefore = berthdRss();
    const ws = new WebSocket((await execUrl({ cmd: ['sleep', '1000'], stdin: true })).replace(/^http/, 'ws'), ['v4.channel.k8s.io']);
    ws.on('error', () => undefined);
    await new Promise((res) => ws.once('open', res));
    const chunk = Buffer.concat([Buffer.from([0]), Buffer.alloc(256 * 1024)]);
    let queued = 0;
    const pump = setInterval(() => {
      while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) {
        ws.send(chunk);
        queued += chunk.length;
      }
    }, 10);
    const sent = () => queued - ws.bufferedAmount;
    const wsMoving = await settles(sent);
    const wsTaken = sent();
    const wsGrown = berthdRss() - wsBefore;
    clearInterval(pump);
    ws.terminate();
    assert.ok(!wsMoving, 'the WebSocket client was held back');
    assert.ok(wsTaken < 64 * 1024 * 1024, `the session took ${wsTaken} bytes of stdin`);
    assert.ok(wsGrown < 64 * 1024 * 1024, `berthd grew by ${wsGrown} bytes`);
  });

  test('a URL serves once: reused, forged or of another kind it is 404 and runs nothing', async () => {
    const url = await execUrl({ cmd: ['touch', '/tmp/ran'], stdout: true });
    assert.equal((await stream(['exec', url, '-stdout'])).code, 0);
    const again = await stream(['exec', url, '-stdout']);
    assert.equal(again.code, 3);
    assert.match(again.stderr, /HTTP 404/);
    const other = url.replace('/exec/', '/attach/');
    const forged = await stream(['exec', url.replace(/[^/]+$/, 'A'.repeat(43)), '-stdout']);
    assert.match(forged.stderr, /HTTP 404/);
    const otherKind = await new Promise<number | undefined>((resolve) => request(other, { method: 'POST' }, (res) => resolve(res.statusCode)).end());
    assert.equal(otherKind, 404);
    const fresh = await execUrl({ cmd: ['true'], stdout: true });
    const wrongKind = await new Promise<number | undefined>((resolve) => request(fresh.replace('/exec/', '/portforward/'), { method: 'POST' }, (res) => resolve(res.statusCode)).end());
    assert.equal(wrongKind, 404);
    // Without an upgrade the token is spent, and the answer says why.
    const plainUrl = await execUrl({ cmd: ['true'], stdout: true });
    const plain = await new Promise<number | undefined>((resolve) => request(plainUrl, { method: 'POST' }, (res) => resolve(res.statusCode)).end());
    assert.equal(plain, 400);
    assert.doesNotMatch(f.d.stderr, new RegExp(url.split('/').pop()!), 'no token in the log');
  });

  test('garbage after the upgrade closes that connection only', async () => {
    for (const junk of [Buffer.from('not spdy at all, just text\r\n'.repeat(10)), Buffer.from('800300010000001200000001000000000000ffffffffffffffff', 'hex')]) {
      const url = new URL(await execUrl({ cmd: ['true'], stdout: true }));
      const sock = connect(Number(url.port), url.hostname);
      let got = '';
      sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
      sock.on('error', () => undefined);
      const closed = new Promise<void>((resolve) => sock.on('close', () => resolve()));
      sock.write(`POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: v4.channel.k8s.io\r\n\r\n`);
      sock.write(junk);
      const timer = setTimeout(() => sock.destroy(), 10_000);
      await closed;
      clearTimeout(timer);
      assert.match(got, /^HTTP\/1\.1 101 /);
      assert.ok(got.length < 200, 'nothing but the upgrade and a GOAWAY');
    }
    assert.equal((await stream(['exec', await execUrl({ cmd: ['echo', 'still serving'], stdout: true }), '-stdout'])).stdout, 'still serving\n');
  });

  test('with a certificate and key the server speaks HTTPS', async () => {
    const key = join(work, 'tls.key');
    const cert = join(work, 'tls.crt');
    const made = await new Promise<string | null>((resolve) =>
      execFile('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], (err, _o, stderr) =>
        resolve(err ? stderr : null),
      ),
    );
    assert.equal(made, null);
    const server = await StreamingServer.start('127.0.0.1', 0, createLogger('silent'), { tls: { cert: readFileSync(cert), key: readFileSync(key) } });
    try {
      const url = server.exec({
        stdin: false,
        stdout: true,
        stderr: false,
        tty: false,
        describe: 'tls',
        run: async (io) => {
          io.stdout!.end('over tls\n');
          return 0;
        },
      });
      assert.match(url, /^https:\/\/127\.0\.0\.1:\d+\/exec\//);
      const r = await stream(['exec', url, '-stdout']);
      assert.equal(r.stdout, 'over tls\n', r.stderr);
      assert.equal(status(r).status, 'Success');
    } finally {
      await server.close();
    }
  });

  test('a session idle for stream_idle_timeout is closed and its command ended; one that carries data is not', async () => {
    const server = await StreamingServer.start('127.0.0.1', 0, createLogger('silent'), { idleTimeoutMs: 800 });
    let aborted = 0;
    const idle = (): RemoteCommand => ({
      stdin: false,
      stdout: true,
      stderr: false,
      tty: false,
      describe: 'idle',
      run: (io) =>
        new Promise((resolve) =>
          io.signal.addEventListener('abort', () => {
            aborted++;
            resolve(0);
          }),
        ),
    });
    // A tick every 300 ms for 3 s: never 800 ms without a byte.
    const busy = (): RemoteCommand => ({
      stdin: false,
      stdout: true,
      stderr: false,
      tty: false,
      describe: 'busy',
      run: async (io) => {
        for (let i = 0; i < 10; i++) {
          io.stdout!.write('tick\n');
          await new Promise((res) => setTimeout(res, 300));
        }
        return 0;
      },
    });
    try {
      let t0 = Date.now();
      const spdyIdle = await stream(['exec', server.exec(idle()), '-stdout'], '', 15_000);
      const spdyMs = Date.now() - t0;
      assert.notEqual(spdyIdle.code, null, `the client saw the session end (${spdyIdle.stderr})`);
      assert.ok(spdyMs >= 800 && spdyMs < 8000, `SPDY session closed after ${spdyMs} ms`);
      assert.equal(aborted, 1, 'the command saw its client go');
      t0 = Date.now();
      const wsIdle = await wsSession(server.exec(idle()), 'v4.channel.k8s.io');
      const wsMs = Date.now() - t0;
      assert.ok(wsMs >= 800 && wsMs < 8000, `WebSocket session closed after ${wsMs} ms`);
      assert.equal(wsIdle.out[3], '', 'no exit status for a session the server closed');
      assert.equal(aborted, 2);

      const spdyBusy = await stream(['exec', server.exec(busy()), '-stdout']);
      assert.equal(spdyBusy.stdout, 'tick\n'.repeat(10));
      assert.equal(status(spdyBusy).status, 'Success');
      const wsBusy = await wsSession(server.exec(busy()), 'v4.channel.k8s.io');
      assert.equal(wsBusy.out[1], 'tick\n'.repeat(10));
      assert.equal((JSON.parse(wsBusy.out[3]) as V1Status).status, 'Success');
      assert.equal(aborted, 2);
    } finally {
      await server.close();
    }
  });

  test('stream_idle_timeout takes a duration; anything else stops berthd at start', async () => {
    const base = mkdtempSync(join(tmpdir(), 'berth-test-'));
    try {
      await assert.rejects(startDaemon({ dirs: { base }, args: ['--stream-idle-timeout', '4 hours'] }), /stream_idle_timeout/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  test('a token expires after a minute', () => {
    let now = 0;
    const tokens = new TokenCache<string>(60_000, () => now);
    const a = tokens.insert('a');
    const b = tokens.insert('b');
    assert.notEqual(a, b);
    assert.ok(a.length >= 43);
    now = 59_999;
    assert.equal(tokens.consume(a), 'a');
    assert.equal(tokens.consume(a), undefined);
    now = 60_000;
    assert.equal(tokens.consume(b), undefined);
    tokens.close();
  });

  test('bad requests are refused with the CRI code', async () => {
    await assert.rejects(v1rt(f.d, 'Exec', { container_id: ctr, cmd: ['sh'], tty: true, stderr: true }), code(grpc.status.INVALID_ARGUMENT, /tty and stderr/));
    await assert.rejects(v1rt(f.d, 'Exec', { container_id: ctr, cmd: ['sh'] }), code(grpc.status.INVALID_ARGUMENT, /one of stdin, stdout, or stderr/));
    await assert.rejects(v1rt(f.d, 'Exec', { container_id: ctr, cmd: [], stdout: true }), code(grpc.status.INVALID_ARGUMENT));
    await assert.rejects(v1rt(f.d, 'Exec', { container_id: 'ab'.repeat(32), cmd: ['true'], stdout: true }), code(grpc.status.NOT_FOUND));
    await assert.rejects(v1rt(f.d, 'Attach', { container_id: 'ab'.repeat(32), stdout: true }), code(grpc.status.NOT_FOUND));
    await assert.rejects(v1rt(f.d, 'PortForward', { pod_sandbox_id: 'ab'.repeat(32) }), code(grpc.status.NOT_FOUND));
  });

  test('attach: input reaches the container, its output comes back and still goes to the log', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'shell' }, image: { image: f.image }, command: ['sh'], stdin: true, stdin_once: true, log_path: 'shell.log' },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const url = (await v1rt<{ url: string }>(f.d, 'Attach', { container_id: id, stdin: true, stdout: true, stderr: true })).url;
    const r = await stream(['exec', url, '-stdin', '-stdout', '-stderr'], 'echo hello from attach; echo to stderr >&2\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'hello from attach\n');
    assert.equal(r.stderr, 'to stderr\n');
    assert.equal(status(r).status, 'Success');
    assert.match(f.logText('stream', 'shell.log'), /hello from attach/);
    // stdin_once: the end of the attach's input was the end of the container's.
    assert.equal((await f.waitExited(id)).state, 'EXITED');
  });

  test('attach without stdin_once: the end of one attach keeps the container stdin for the next', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'keeper' }, image: { image: f.image }, command: ['sh'], stdin: true },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const inCtr = async (cmd: string[]) => (await v1rt<{ stdout: Buffer }>(f.d, 'ExecSync', { container_id: id, cmd, timeout: 10 })).stdout.toString();
    for (const word of ['one', 'two']) {
      const url = (await v1rt<{ url: string }>(f.d, 'Attach', { container_id: id, stdin: true, stdout: true, stderr: true })).url;
      const r = await stream(['exec', url, '-stdin', '-stdout', '-stderr'], `echo ${word} > /tmp/${word}\n`);
      assert.equal(r.code, 0, r.stderr);
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline && !(await inCtr(['cat', `/tmp/${word}`]).catch(() => ''))) await new Promise((res) => setTimeout(res, 100));
      assert.equal(await inCtr(['cat', `/tmp/${word}`]), `${word}\n`);
      const st = (await v1rt<{ status: { state: string } }>(f.d, 'ContainerStatus', { container_id: id })).status;
      assert.equal(st.state, 'CONTAINER_RUNNING', `after attach "${word}" the shell still reads its stdin`);
    }
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('attach with a tty: resize reaches the container terminal', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'tty' }, image: { image: f.image }, command: ['sh', '-c', 'sleep 1.5; stty size; sleep 1000'], tty: true, log_path: 'tty.log' },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const url = (await v1rt<{ url: string }>(f.d, 'Attach', { container_id: id, stdout: true, tty: true })).url;
    const r = await stream(['exec', url, '-stdout', '-tty', '-resize', '123x45'], '', 3500);
    assert.match(r.stdout, /45 123/);
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('port-forward: several connections at once to a port in the pod, a closed port on the error stream, also over WebSocket', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: {
          metadata: { name: 'web' },
          image: { image: f.image },
          command: ['sh', '-c', 'mkdir -p /www && echo served-from-pod > /www/index.html && exec httpd -f -p 127.0.0.1:8080 -h /www'],
        },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    // The server is listening once a fetch through the pod's loopback works.
    const pfUrl = () => v1rt<{ url: string }>(f.d, 'PortForward', { pod_sandbox_id: pod, port: [8080] }).then((r) => r.url);
    const get = 'GET /index.html HTTP/1.0\r\n\r\n';
    let r: Run | undefined;
    for (let i = 0; i < 50; i++) {
      r = await stream(['portforward', await pfUrl(), '-port', '8080', '-connections', '8', '-send', get]);
      if (r.result.connections?.every((c) => c.data.includes('served-from-pod'))) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(r!.result.protocol, 'portforward.k8s.io');
    assert.equal(r!.result.connections?.length, 8);
    for (const c of r!.result.connections!) {
      assert.match(c.data, /^HTTP\/1\.[01] 200/);
      assert.match(c.data, /served-from-pod/);
      assert.equal(c.error, '');
    }
    // Over WebSocket: port i on channels 2i (data) and 2i+1 (errors), each opened with the port, little-endian.
    const ws = new WebSocket(`${(await pfUrl()).replace(/^http/, 'ws')}?port=8080&port=8081`, ['v4.channel.k8s.io']);
    const channels: Buffer[][] = [[], [], [], []];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(get)])));
      ws.on('message', (m: Buffer) => {
        channels[m[0]].push(m.subarray(1));
        const text = (c: number) => Buffer.concat(channels[c].slice(1)).toString();
        if (text(0).includes('served-from-pod') && text(3).includes('ECONNREFUSED')) resolve();
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error(`no answer over WebSocket: ${JSON.stringify(channels.map((c) => Buffer.concat(c).toString()))}`)), 15_000);
    });
    ws.close();
    assert.deepEqual(channels.map((c) => c[0].readUInt16LE(0)), [8080, 8080, 8081, 8081]);
    assert.equal(Buffer.concat(channels[1].slice(1)).length, 0, 'no error for the open port');
    const closed = await stream(['portforward', await pfUrl(), '-port', '8081', '-send', get]);
    assert.equal(closed.code, 0, closed.stderr);
    assert.equal(closed.result.connections![0].data, '');
    assert.match(closed.result.connections![0].error, /error forwarding port 8081: .*ECONNREFUSED/);
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
  });

  test('port-forward: a client that stops reading holds the pod server back (WebSocket), berthd stays bounded', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: { metadata: { name: 'zeros' }, image: { image: f.image }, command: ['sh', '-c', 'while true; do nc -l -p 9000 < /dev/zero; done'] },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const before = berthdRss();
    let got = 0;
    let ws: WebSocket | undefined;
    const deadline = Date.now() + 10_000;
    // Until nc listens, the port's error channel says ECONNREFUSED: try again.
    while (!got && Date.now() < deadline) {
      ws?.terminate();
      const url = (await v1rt<{ url: string }>(f.d, 'PortForward', { pod_sandbox_id: pod, port: [9000] })).url;
      const conn = new WebSocket(`${url.replace(/^http/, 'ws')}?port=9000`, ['v4.channel.k8s.io']);
      ws = conn;
      conn.on('error', () => undefined);
      let portSeen = false;
      conn.on('message', (m: Buffer) => {
        if (m[0] !== 0) return;
        // Each channel opens with its port number.
        if (!portSeen) return void (portSeen = true);
        got += m.length - 1;
        if (got > 1 << 20) conn.pause();
      });
      await new Promise((res) => setTimeout(res, 500));
    }
    const moving = await settles(() => got);
    const grown = berthdRss() - before;
    ws?.terminate();
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
    assert.ok(got > 0, 'data came through');
    assert.ok(!moving, 'the data stopped');
    assert.ok(grown < 64 * 1024 * 1024, `berthd grew by ${grown} bytes`);
  });

  test('port-forward: a pod server that does not read holds the client back (WebSocket), berthd stays bounded', async () => {
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        // Each connection is handed to a sleep that never reads it.
        config: { metadata: { name: 'sink' }, image: { image: f.image }, command: ['nc', '-ll', '-p', '9001', '-e', 'sleep', '1000'] },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await execSync(['netstat', '-ltn'])).includes(':9001 ')) await new Promise((res) => setTimeout(res, 100));
    const before = berthdRss();
    const url = (await v1rt<{ url: string }>(f.d, 'PortForward', { pod_sandbox_id: pod, port: [9001] })).url;
    const ws = new WebSocket(`${url.replace(/^http/, 'ws')}?port=9001`, ['v4.channel.k8s.io']);
    ws.on('error', () => undefined);
    let error = '';
    ws.on('message', (m: Buffer) => {
      if (m[0] === 1 && m.length > 3) error += m.subarray(1).toString();
    });
    await new Promise((res) => ws.once('open', res));
    const chunk = Buffer.concat([Buffer.from([0]), Buffer.alloc(256 * 1024)]);
    let queued = 0;
    const pump = setInterval(() => {
      while (ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 4 * 1024 * 1024) {
        ws.send(chunk);
        queued += chunk.length;
      }
    }, 10);
    const sent = () => queued - ws.bufferedAmount;
    const moving = await settles(sent);
    const taken = sent();
    const grown = berthdRss() - before;
    clearInterval(pump);
    ws.terminate();
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
    assert.equal(error, '', 'the port was reached');
    assert.ok(!moving, 'the client was held back');
    assert.ok(taken < 64 * 1024 * 1024, `the session took ${taken} bytes`);
    assert.ok(grown < 64 * 1024 * 1024, `berthd grew by ${grown} bytes`);
  });

  test('port-forward reaches a server listening only on the pod IPv6 loopback (::1): localhost is tried as IPv4, then IPv6', async (t) => {
    // The pod's loopback has ::1 when the host has IPv6 on (the containers share the pod's network namespace).
    if (!/^0{31}1 /m.test(await execSync(['cat', '/proc/net/if_inet6']))) return t.skip('IPv6 is off on this host: the pod loopback has no ::1');
    const id = (
      await v1rt<{ container_id: string }>(f.d, 'CreateContainer', {
        pod_sandbox_id: pod,
        config: {
          metadata: { name: 'web6' },
          image: { image: f.image },
          command: ['sh', '-c', 'mkdir -p /www6 && echo served-over-ipv6 > /www6/index.html && exec httpd -f -p [::1]:8082 -h /www6'],
        },
      })
    ).container_id;
    await v1rt(f.d, 'StartContainer', { container_id: id });
    const fetch6 = (host: string) => execSync(['sh', '-c', `wget -q -O- http://${host}:8082/index.html 2>&1 || echo refused`]);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await fetch6('[::1]')).includes('served-over-ipv6')) await new Promise((res) => setTimeout(res, 100));
    assert.match(await fetch6('[::1]'), /served-over-ipv6/);
    assert.match(await fetch6('127.0.0.1'), /refused/, 'nothing listens on 127.0.0.1:8082: only the IPv6 try can reach it');
    const pfUrl = () => v1rt<{ url: string }>(f.d, 'PortForward', { pod_sandbox_id: pod, port: [8082] }).then((r) => r.url);
    const get = 'GET /index.html HTTP/1.0\r\n\r\n';
    const r = await stream(['portforward', await pfUrl(), '-port', '8082', '-connections', '3', '-send', get]);
    assert.equal(r.code, 0, r.stderr);
    for (const c of r.result.connections!) {
      assert.match(c.data, /served-over-ipv6/);
      assert.equal(c.error, '');
    }
    const ws = new WebSocket(`${(await pfUrl()).replace(/^http/, 'ws')}?port=8082`, ['v4.channel.k8s.io']);
    const data: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      ws.on('open', () => ws.send(Buffer.concat([Buffer.from([0]), Buffer.from(get)])));
      ws.on('message', (m: Buffer) => {
        if (m[0] === 0) data.push(m.subarray(1));
        if (Buffer.concat(data.slice(1)).toString().includes('served-over-ipv6')) resolve();
        if (m[0] === 1 && m.length > 3) reject(new Error(m.subarray(1).toString()));
      });
      ws.on('error', reject);
      setTimeout(() => reject(new Error('no answer over WebSocket')), 15_000);
    });
    ws.close();
    await v1rt(f.d, 'StopContainer', { container_id: id, timeout: 0 });
    // With nothing on either family, the error names both tries.
    const closed = await stream(['portforward', await pfUrl(), '-port', '8082', '-send', get]);
    assert.match(closed.result.connections![0].error, /error forwarding port 8082: .*IPv4 ECONNREFUSED, IPv6 ECONNREFUSED/);
  });
});
