import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE = fileURLToPath(new URL('../../../test/go/stream-client', import.meta.url));

/**
 * Builds test/go/stream-client (the kubelet's streaming protocols spoken
 * with spdystream, the SPDY library client-go uses) to `out`; offline,
 * from Debian's golang-go and golang-github-docker-spdystream-dev.
 */
export function buildStreamClient(out: string): Promise<void> {
  const env: NodeJS.ProcessEnv = { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOFLAGS: '' };
  if (!env.HOME && !env.XDG_CACHE_HOME && !env.GOCACHE) env.GOCACHE = join(tmpdir(), 'berth-go-cache');
  return new Promise((resolve, reject) =>
    execFile('go', ['build', '-o', out, '.'], { env, cwd: SOURCE, timeout: 300_000 }, (err, _o, stderr) =>
      err
        ? reject(new Error(`go build of test/go/stream-client failed (scripts/install-packages installs golang-go and golang-github-docker-spdystream-dev): ${stderr || err.message}`))
        : resolve(),
    ),
  );
}
