import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, createSign, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export function sha256(buf: Buffer | string): string {
  return `sha256:${createHash('sha256').update(buf).digest('hex')}`;
}

const b64url = (b: Buffer | string) => Buffer.from(b).toString('base64url');

export interface TokenIssuer {
  realm: string;
  service: string;
  /** A signed token for `scope` (e.g. repository:x:pull,push), as the issuer would hand out. */
  mint(scope: string): string;
  close(): Promise<void>;
}

export const TOKEN_USER = 'tokenuser';
export const TOKEN_PASSWORD = 'tokenpass';
export const IDENTITY_TOKEN = 'berth-test-identity-token';

/**
 * A token server for docker-registry's `token` auth: Basic credentials or a
 * refresh (identity) token in, an RS256 JWT with the x5c of a self-signed
 * certificate out (the registry trusts that certificate as its root).
 */
async function startTokenIssuer(dir: string): Promise<TokenIssuer & { certPath: string }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  const r = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath,
    '-days', '2', '-subj', '/CN=berth-test-issuer',
  ]);
  if (r.status !== 0) throw new Error(`openssl: ${r.stderr.toString()}`);
  const key = createPrivateKey(readFileSync(keyPath));
  const certDer = Buffer.from(
    readFileSync(certPath, 'utf8').replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, ''),
    'base64',
  ).toString('base64');
  const service = 'berth-test-registry';
  const mint = (scope: string) => {
    const access = scope
      .split(' ')
      .filter(Boolean)
      .map((s) => {
        const [type, ...rest] = s.split(':');
        const actions = rest.pop()!.split(',');
        return { type, name: rest.join(':'), actions };
      });
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [certDer] }));
    const claims = b64url(
      JSON.stringify({ iss: 'berth-test-issuer', sub: TOKEN_USER, aud: service, exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }),
    );
    const sig = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(key);
    return `${header}.${claims}.${b64url(sig)}`;
  };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      let scope = url.searchParams.get('scope') ?? '';
      let ok = false;
      if (req.method === 'POST') {
        const form = new URLSearchParams(body);
        scope = form.get('scope') ?? '';
        ok = form.get('grant_type') === 'refresh_token' && form.get('refresh_token') === IDENTITY_TOKEN;
      } else {
        const auth = req.headers.authorization ?? '';
        ok = auth === `Basic ${Buffer.from(`${TOKEN_USER}:${TOKEN_PASSWORD}`).toString('base64')}`;
      }
      if (!ok) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"details":"bad credentials"}');
        return;
      }
      const token = mint(scope);
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.method === 'POST' ? { access_token: token, expires_in: 300 } : { token, expires_in: 300 }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    mint,
    certPath,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export const BASIC_USER = 'berth';
export const BASIC_PASSWORD = 's3cret';

export interface TestRegistry {
  /** host:port, as it appears in image references */
  host: string;
  url: string;
  /** The Authorization header a test uses to push. */
  pushAuth(repo: string): string | undefined;
  token?: TokenIssuer;
  stop(): Promise<void>;
}

/** Starts Debian's docker-registry on 127.0.0.1 with its own storage. */
export async function startRegistry(auth: 'none' | 'htpasswd' | 'token' = 'none'): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-registry-'));
  const port = await freePort();
  let authYaml = '';
  let token: (TokenIssuer & { certPath: string }) | undefined;
  if (auth === 'htpasswd') {
    const r = spawnSync('htpasswd', ['-Bbn', BASIC_USER, BASIC_PASSWORD]);
    if (r.status !== 0) throw new Error(`htpasswd: ${r.stderr.toString()}`);
    writeFileSync(join(dir, 'htpasswd'), r.stdout);
    authYaml = `auth:\n  htpasswd:\n    realm: berth-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    token = await startTokenIssuer(dir);
    authYaml = `auth:\n  token:\n    realm: ${token.realm}\n    service: ${token.service}\n    issuer: berth-test-issuer\n    rootcertbundle: ${token.certPath}\n`;
  }
  writeFileSync(
    join(dir, 'config.yml'),
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authYaml}`,
  );
  const proc: ChildProcess = spawn('docker-registry', ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200 || res.status === 401) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`docker-registry did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    token,
    pushAuth(repo: string) {
      if (auth === 'htpasswd') return `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASSWORD}`).toString('base64')}`;
      if (auth === 'token') return `Bearer ${token!.mint(`repository:${repo}:pull,push`)}`;
      return undefined;
    },
    async stop() {
      proc.kill('SIGTERM');
      if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
      await token?.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
