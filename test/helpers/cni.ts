import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestNetwork {
  confDir: string;
  bridge: string;
  subnet: string;
  ipamDir: string;
  args: string[];
  /** IPs host-local still has allocated. */
  allocated(): string[];
  /** veths still attached to the bridge. */
  veths(): string[];
  cleanup(): void;
}

/**
 * A CNI network of the test's own: bridge, host-local with its own data
 * dir, portmap; optional extra plugins (e.g. one that fails).
 */
const PORTMAP_CHAINS = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-MASQ', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-SNAT'];

function natRules(): string[] {
  return spawnSync('iptables', ['-w', '-t', 'nat', '-S']).stdout.toString().split('\n');
}

/**
 * portmap creates its shared chains on first use and never removes them;
 * a test that brought them into being takes them away again once no pod
 * rule is left in them.
 */
function removePortmapChains(): void {
  const rules = natRules();
  const perPod = rules.filter((r) => r.startsWith('-A CNI-HOSTPORT-DNAT') || r.startsWith('-N CNI-DN-'));
  if (perPod.length) return;
  for (const r of rules.filter((l) => / -j CNI-HOSTPORT-/.test(l) && l.startsWith('-A ')))
    spawnSync('iptables', ['-w', '-t', 'nat', '-D', ...r.slice(3).match(/(?:[^\s"]+|"[^"]*")+/g)!.map((a) => a.replace(/^"|"$/g, ''))]);
  for (const c of PORTMAP_CHAINS) {
    spawnSync('iptables', ['-w', '-t', 'nat', '-F', c]);
    spawnSync('iptables', ['-w', '-t', 'nat', '-X', c]);
  }
}

export function testNetwork(subnet: string, extraPlugins: object[] = []): TestNetwork {
  const portmapBefore = natRules().some((r) => r === '-N CNI-HOSTPORT-DNAT');
  const base = mkdtempSync(join(tmpdir(), 'berth-cni-'));
  const confDir = join(base, 'net.d');
  const ipamDir = join(base, 'ipam');
  mkdirSync(confDir);
  const bridge = `bt${Math.random().toString(36).slice(2, 9)}`;
  const name = `berth-test-${bridge}`;
  writeFileSync(
    join(confDir, '10-test.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name,
      plugins: [
        {
          type: 'bridge',
          bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: { type: 'host-local', dataDir: ipamDir, ranges: [[{ subnet }]], routes: [{ dst: '0.0.0.0/0' }] },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
        ...extraPlugins,
      ],
    }),
  );
  return {
    confDir,
    bridge,
    subnet,
    ipamDir,
    args: ['--cni-conf-dir', confDir],
    allocated() {
      const dir = join(ipamDir, name);
      if (!existsSync(dir)) return [];
      return readdirSync(dir).filter((f) => /^\d+\.\d+\.\d+\.\d+$/.test(f));
    },
    veths() {
      const r = spawnSync('ip', ['-o', 'link', 'show', 'master', bridge]);
      return r.stdout.toString().split('\n').filter(Boolean);
    },
    cleanup() {
      spawnSync('ip', ['link', 'del', bridge]);
      if (!portmapBefore) removePortmapChains();
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** iptables rules (all tables) that mention `needle`. */
export function iptablesMentioning(needle: string): string[] {
  const out = spawnSync('iptables-save').stdout.toString();
  return out.split('\n').filter((l) => l.includes(needle));
}

/** Mount points under `dir`. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m) => m && m.startsWith(dir));
}

/**
 * Runs a node script inside a network namespace (via nsenter) and resolves
 * with its stdout once it exits; `ready` resolves at its first line of output.
 */
export function inNetns(netns: string, script: string): { ready: Promise<string>; done: Promise<string>; kill(): void } {
  const p = spawn('nsenter', [`--net=${netns}`, process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let readyResolve!: (s: string) => void;
  const ready = new Promise<string>((r) => (readyResolve = r));
  p.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('\n')) readyResolve(out);
  });
  p.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const done = new Promise<string>((resolve, reject) =>
    p.on('close', (code) => (code === 0 || code === null ? resolve(out) : reject(new Error(`nsenter script failed (${code}): ${err}`)))),
  );
  done.catch(() => readyResolve(''));
  return { ready, done, kill: () => p.kill('SIGKILL') };
}
