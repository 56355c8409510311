#!/usr/bin/env -S node --max-semi-space-size=1
// A 1 MiB young generation keeps an idle berthd ~9 MiB smaller; berthd
// allocates little per call, so the extra scavenges cost nothing measurable.
import { Command, Option } from 'commander';
import { loadConfig, ConfigError, DEFAULT_CONFIG_FILE } from './config.js';
import { createLogger, LOG_LEVELS } from './log.js';
import { Berthd } from './berthd.js';
import { DatabaseLockedError } from '../store/db.js';
import { SocketBusyError } from './socket.js';
import { runtimeVersion } from '../version.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

const program = new Command('berthd')
  .description('berth: a Kubernetes container runtime serving the CRI on a unix socket')
  .version(runtimeVersion())
  .option('--config <file>', `TOML config file (default ${DEFAULT_CONFIG_FILE} if it exists)`)
  .option('--socket <path>', 'gRPC unix socket (default /run/berth/berth.sock)')
  .option('--root <dir>', 'persistent state: images, database (default /var/lib/berth)')
  .option('--state <dir>', 'runtime state that a reboot wipes (default /run/berth)')
  .addOption(new Option('--log-level <level>', 'log level (default info)').choices(LOG_LEVELS))
  .option('--metrics-address <host:port>', 'serve Prometheus metrics at http://host:port/metrics (default off)')
  .option('--runtime <path>', 'OCI runtime binary, runc or crun (default runc)')
  .option('--conmon <path>', 'conmon binary (default conmon)')
  .option('--cni-conf-dir <dir>', 'CNI network configs (default /etc/cni/net.d)')
  .option('--cni-bin-dir <dir>', 'CNI plugin dir, repeatable (default /opt/cni/bin and /usr/lib/cni)', collect)
  .option('--cni-default-subnet <cidr>', 'subnet of the default network berth installs (default 10.87.0.0/16)')
  .option('--insecure-registry <host>', 'allow plain HTTP to this registry host, repeatable', collect)
  .option('--registry-mirror <host=url>', 'try this endpoint before the registry host, repeatable', collect)
  .option('--shutdown-grace <seconds>', 'how long calls in flight may finish at SIGTERM (default 10)', Number)
  .option('--runtime-create-timeout <duration>', 'fail a container start whose runtime create takes longer, killing what it made (default 1m)')
  .option('--image-pull-progress-timeout <duration>', 'fail a pull whose registry sends nothing for this long, e.g. 5m, 30s; 0 never (default 5m)');

program.parse();
const opts = program.opts<{
  config?: string;
  socket?: string;
  root?: string;
  state?: string;
  logLevel?: string;
  metricsAddress?: string;
  runtime?: string;
  conmon?: string;
  cniConfDir?: string;
  cniBinDir?: string[];
  cniDefaultSubnet?: string;
  insecureRegistry?: string[];
  registryMirror?: string[];
  shutdownGrace?: number;
  imagePullProgressTimeout?: string;
  runtimeCreateTimeout?: string;
}>();

function registriesFromFlags(): Record<string, { mirrors?: string[]; insecure?: boolean }> | undefined {
  const regs: Record<string, { mirrors?: string[]; insecure?: boolean }> = {};
  for (const host of opts.insecureRegistry ?? []) regs[host] = { ...regs[host], insecure: true };
  for (const spec of opts.registryMirror ?? []) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--registry-mirror ${spec}: expected host=scheme://endpoint`);
    const host = spec.slice(0, eq);
    regs[host] = { ...regs[host], mirrors: [...(regs[host]?.mirrors ?? []), spec.slice(eq + 1)] };
  }
  return Object.keys(regs).length ? regs : undefined;
}

async function main(): Promise<void> {
  const cni: Record<string, unknown> = {};
  if (opts.cniConfDir) cni.conf_dir = opts.cniConfDir;
  if (opts.cniBinDir) cni.bin_dirs = opts.cniBinDir;
  if (opts.cniDefaultSubnet) cni.default_subnet = opts.cniDefaultSubnet;
  const cfg = loadConfig(opts.config, {
    socket: opts.socket,
    root: opts.root,
    state: opts.state,
    log_level: opts.logLevel,
    metrics_address: opts.metricsAddress,
    runtime: opts.runtime,
    conmon: opts.conmon,
    shutdown_grace_seconds: opts.shutdownGrace,
    image_pull_progress_timeout: opts.imagePullProgressTimeout,
    runtime_create_timeout: opts.runtimeCreateTimeout,
    cni: Object.keys(cni).length ? cni : undefined,
    registries: registriesFromFlags(),
  });
  const log = createLogger(cfg.log_level);
  const daemon = await Berthd.start(cfg, log);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'signal received');
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof DatabaseLockedError || err instanceof SocketBusyError;
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`berthd: ${known ? msg : (err as Error).stack ?? msg}\n`);
  process.exit(1);
});
