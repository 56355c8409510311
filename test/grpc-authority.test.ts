import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import http2 from 'node:http2';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { startDaemon, type TestDaemon } from './helpers/daemon.js';

// Clients of the kubelet 1.2x / crictl 1.26 era send the socket path as
// :authority; berthd must serve them (see src/api/grpc/authority.ts).

const GO_CLIENT_SRC = fileURLToPath(new URL('../../test/go/authority-client', import.meta.url));

function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { ...opts, timeout: 300_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Builds the Go client with Debian's Go and grpc-go sources, offline, in GOPATH mode. */
async function buildGoClient(dir: string): Promise<string> {
  const out = join(dir, 'authority-client');
  const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };
  if (!env.HOME && !env.XDG_CACHE_HOME && !env.GOCACHE) env.GOCACHE = join(tmpdir(), 'berth-go-cache');
  const r = await run('go', ['build', '-o', out, '.'], { env, cwd: GO_CLIENT_SRC });
  assert.equal(r.code, 0, `go build failed (scripts/install-packages installs golang-go and golang-google-grpc-dev): ${r.stderr}`);
  return out;
}

const VERSION_RESPONSE = Buffer.from('0a05302e312e30120562657274681a05302e312e30', 'hex');

/** A plain grpc-js server bound the usual way: what berthd was before the front. */
async function bareGrpcServer(socket: string): Promise<grpc.Server> {
  const server = new grpc.Server();
  const raw = (b: Buffer) => b;
  server.addService(
    {
      Version: {
        path: '/runtime.RuntimeService/Version',
        requestStream: false,
        responseStream: false,
        requestSerialize: raw,
        requestDeserialize: raw,
        responseSerialize: raw,
        responseDeserialize: raw,
      },
    },
    { Version: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, VERSION_RESPONSE) },
  );
  await new Promise<void>((resolve, reject) =>
    server.bindAsync(`unix:${socket}`, grpc.ServerCredentials.createInsecure(), (err) => (err ? reject(err) : resolve())),
  );
  return server;
}

/** A client socket that keeps a copy of every byte the client sends. */
class RecordingSocket extends Duplex {
  readonly sent: Buffer[] = [];
  private readonly conn: Socket;

  constructor(path: string) {
    super();
    this.conn = connect(path);
    this.conn.on('data', (d: Buffer) => {
      if (!this.push(d)) this.conn.pause();
    });
    this.conn.on('end', () => this.push(null));
    this.conn.on('close', () => this.destroy());
    this.conn.on('error', (err) => this.destroy(err));
  }

  override _read(): void {
    this.conn.resume();
  }

  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    this.sent.push(Buffer.from(chunk));
    this.conn.write(chunk, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.conn.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.conn.destroy();
    done(err);
  }

  /** Type and flags of every frame sent after the 24-byte preface. */
  frames(): { type: number; flags: number }[] {
    const all = Buffer.concat(this.sent);
    const out = [];
    for (let off = 24; off + 9 <= all.length; off += 9 + all.readUIntBE(off, 3)) out.push({ type: all[off + 3], flags: all[off + 4] });
    return out;
  }
}

function grpcFrame(message: Buffer): Buffer {
  const b = Buffer.alloc(5 + message.length);
  b.writeUInt32BE(message.length, 1);
  message.copy(b, 5);
  return b;
}

/** One seed Version call over raw HTTP/2; resolves with grpc-status and the response message. */
function h2Version(
  session: http2.ClientHttp2Session,
  authority: string,
  extra: http2.OutgoingHttpHeaders = {},
  opts: http2.ClientSessionRequestOptions = {},
): Promise<{ grpcStatus: string | undefined; body: Buffer; rst: number }> {
  return new Promise((resolve) => {
    const req = session.request(
      { ':method': 'POST', ':path': '/runtime.RuntimeService/Version', ':authority': authority, 'content-type': 'application/grpc', te: 'trailers', ...extra },
      opts,
    );
    let body = Buffer.alloc(0);
    let grpcStatus: string | undefined;
    req.on('data', (d: Buffer) => (body = Buffer.concat([body, d])));
    req.on('trailers', (t) => (grpcStatus = String(t['grpc-status'])));
    req.on('error', () => {});
    req.on('close', () => resolve({ grpcStatus, body: body.subarray(5), rst: req.rstCode ?? 0 }));
    req.end(grpcFrame(Buffer.from('0a05302e312e30', 'hex')));
  });
}

describe('clients that send the socket path as :authority', () => {
  let d: TestDaemon;
  let dir: string;
  let goClient: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-authority-'));
    const [built, started] = await Promise.allSettled([buildGoClient(dir), startDaemon()]);
    if (started.status === 'fulfilled') d = started.value;
    if (built.status === 'rejected') throw built.reason;
    if (started.status === 'rejected') throw started.reason;
    goClient = built.value;
  });
  after(async () => {
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the Go client sends the path: a bare grpc-js server resets its stream with PROTOCOL_ERROR', { timeout: 120_000 }, async () => {
    const socket = join(dir, 'bare.sock');
    const server = await bareGrpcServer(socket);
    try {
      const r = await run(goClient, ['-socket', socket, '-method', '/runtime.RuntimeService/Version']);
      assert.notEqual(r.code, 0, r.stdout);
      assert.match(r.stderr, /PROTOCOL_ERROR/);
      const ok = await run(goClient, ['-socket', socket, '-authority', 'localhost']);
      assert.equal(ok.code, 0, ok.stderr);
    } finally {
      server.forceShutdown();
    }
  });

  test('grpc-go 1.33 (Debian) calls the seed Version on berthd with :authority = socket path', { timeout: 120_000 }, async () => {
    const r = await run(goClient, ['-socket', d.socket, '-method', '/runtime.RuntimeService/Version', '-n', '20']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^field 2: berth$/m);
    assert.match(r.stdout, /^calls 20 /m);
  });

  test('grpc-go 1.33 (Debian) calls CRI v1 Version on berthd with :authority = socket path', { timeout: 120_000 }, async () => {
    const r = await run(goClient, ['-socket', d.socket, '-method', '/runtime.v1.RuntimeService/Version']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^field 2: berth$/m);
  });

  test('header blocks with PADDED, PRIORITY, CONTINUATION, never-indexed fields and table references all get through', { timeout: 120_000 }, async () => {
    const cases: { name: string; session?: http2.SessionOptions; extra?: http2.OutgoingHttpHeaders; opts?: http2.ClientSessionRequestOptions; expect: (f: { type: number; flags: number }[]) => boolean }[] = [
      { name: 'padded', session: { paddingStrategy: http2.constants.PADDING_STRATEGY_MAX }, expect: (f) => f.some((x) => x.type === 1 && x.flags & 0x8) },
      { name: 'priority', opts: { weight: 42, exclusive: true }, expect: (f) => f.some((x) => x.type === 1 && x.flags & 0x20) },
      { name: 'continuation', extra: { 'x-big': 'a'.repeat(30_000) }, expect: (f) => f.some((x) => x.type === 9) },
      { name: 'never-indexed', extra: { 'x-secret': 's3cret', [http2.sensitiveHeaders]: ['x-secret'] }, expect: (f) => f.some((x) => x.type === 1) },
    ];
    for (const c of cases) {
      const sock = new RecordingSocket(d.socket);
      const session = http2.connect('http://localhost', { ...c.session, createConnection: () => sock });
      try {
        // Three calls: the later ones refer to dynamic-table entries the first added.
        for (let i = 0; i < 3; i++) {
          const r = await h2Version(session, d.socket, c.extra, c.opts);
          assert.equal(r.grpcStatus, '0', `${c.name} call ${i}: rst ${r.rst}`);
          assert.ok(r.body.includes(Buffer.from('berth')), c.name);
        }
        assert.ok(c.expect(sock.frames()), `${c.name}: the client did not send the frames this case is about`);
      } finally {
        session.destroy();
      }
    }
  });

  test('a connection whose header block does not decode is closed; berthd serves the next one', { timeout: 120_000 }, async () => {
    const broken = connect(d.socket);
    const closed = new Promise<void>((resolve) => broken.on('close', () => resolve()));
    broken.on('error', () => {});
    // Reading is what lets the socket see berthd's end and close.
    broken.resume();
    const settings = Buffer.from([0, 0, 0, 4, 0, 0, 0, 0, 0]);
    // HEADERS, END_HEADERS, stream 1: an indexed field far past both tables.
    const headers = Buffer.from([0, 0, 3, 1, 4, 0, 0, 0, 1, 0xff, 0xff, 0x7f]);
    broken.end(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), settings, headers]));
    await closed;

    const r = await run(goClient, ['-socket', d.socket]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(d.proc.exitCode, null);
  });

  test('a client that dies in the middle of a header block leaves berthd serving', { timeout: 120_000 }, async () => {
    const half = connect(d.socket);
    half.on('error', () => {});
    await new Promise<void>((resolve) => half.on('connect', () => resolve()));
    // HEADERS without END_HEADERS announcing 100 bytes, of which 2 arrive.
    half.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from([0, 0, 100, 1, 0, 0, 0, 0, 1, 0x82, 0x86])]));
    half.destroy();

    const r = await run(goClient, ['-socket', d.socket, '-method', '/runtime.v1.RuntimeService/Version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(d.proc.exitCode, null);
  });

  test('a client that pings before its first request is served through the rewriting relay', { timeout: 120_000 }, async () => {
    const sock = new RecordingSocket(d.socket);
    const session = http2.connect('http://localhost', { createConnection: () => sock });
    try {
      await new Promise<void>((resolve, reject) => session.ping((err) => (err ? reject(err) : resolve())));
      for (const authority of ['localhost', d.socket, 'localhost']) {
        const r = await h2Version(session, authority);
        assert.equal(r.grpcStatus, '0', `authority ${authority}: rst ${r.rst}`);
      }
      const frames = sock.frames();
      assert.ok(frames.findIndex((f) => f.type === 6) < frames.findIndex((f) => f.type === 1), 'the ping did not come first');
    } finally {
      session.destroy();
    }
  });

  test('a connection whose first :authority is valid goes to nghttp2 itself (a later invalid one is reset there)', { timeout: 120_000 }, async () => {
    const session = http2.connect('http://localhost', { createConnection: () => connect(d.socket) });
    try {
      const first = await h2Version(session, 'localhost');
      assert.equal(first.grpcStatus, '0');
      // Not rewritten any more: what a gRPC channel, which keeps its authority, never does.
      const later = await h2Version(session, d.socket);
      assert.equal(later.rst, http2.constants.NGHTTP2_PROTOCOL_ERROR);
    } finally {
      session.destroy();
    }
  });

  test('a grpc-js client (valid :authority) is served', { timeout: 120_000 }, async () => {
    const v = await d.rt<Record<string, string>>('Version', { version: '0.1.0' });
    assert.equal(v.runtime_name, 'berth');
  });

  test('the private socket for relayed connections is in a dir only root can enter; a stale one does not stop a restart', { timeout: 120_000 }, async () => {
    const privateDir = join(dirname(d.socket), '.berth.sock.grpc');
    assert.equal(statSync(privateDir).mode & 0o777, 0o700);
    assert.ok(statSync(join(privateDir, 'sock')).isSocket());
    await d.stop('SIGKILL');
    d = await startDaemon({ dirs: { base: d.base } });
    const r = await run(goClient, ['-socket', d.socket]);
    assert.equal(r.code, 0, r.stderr);
  });

  test('a socket path too long for the private socket beside it is refused with a clear error', { timeout: 120_000 }, async () => {
    const base = join(dir, 'x'.repeat(100 - dir.length - '/berth.sock'.length - 1));
    assert.equal(join(base, 'berth.sock').length, 100);
    await assert.rejects(startDaemon({ dirs: { base } }), /choose a shorter socket path/);
  });
});
