#!/usr/bin/env -S node --max-semi-space-size=1 --v8-pool-size=1 --optimize-for-size
// An idle berthd's memory, measured after an image pull: a 1 MiB young
// generation keeps it ~9 MiB smaller, one V8 background thread instead of
// four (its heap is a few tens of MiB) and --optimize-for-size (smaller
// heap growth steps) another ~7. berthd allocates little per call: none of
// them made its CPU time per RPC grow.
import { Command, Option } from 'commander';
import { loadConfig, registryFlags, schemaFlags, ConfigError, DEFAULT_CONFIG_FILE } from './config.js';
import { createLogger } from './log.js';
import { Berthd } from './berthd.js';
import { DatabaseLockedError } from '../store/db.js';
import { SocketBusyError } from './socket.js';
import { runtimeVersion } from '../version.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];
const FLAGS = schemaFlags();
const attr = (flag: string) => new Option(flag).attributeName();

const program = new Command('berthd')
  .description('berth: a Kubernetes container runtime serving the CRI on a unix socket')
  .version(runtimeVersion())
  .option('--config <file>', `TOML config file (default ${DEFAULT_CONFIG_FILE} if it exists)`);
for (const f of FLAGS) {
  const shown = Array.isArray(f.default) ? f.default.join(', ') : String(f.default);
  const help = `${f.help}${f.repeatable ? ', repeatable' : ''} (default ${shown === '' ? 'none' : shown})`;
  const opt = new Option(f.flag, help);
  if (f.repeatable) opt.argParser(collect);
  program.addOption(opt);
}
program
  .option('--insecure-registry <host>', 'allow plain HTTP to this registry host, repeatable', collect)
  .option('--registry-mirror <host=url>', 'try this endpoint before the registry host, repeatable', collect);

program.parse();
const opts = program.opts<Record<string, string | string[] | undefined>>();

/** The flags given, as a partial config shaped like the file's. */
function configFromFlags(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of FLAGS) {
    const v = opts[attr(f.flag)];
    if (v === undefined) continue;
    let table = out;
    for (const k of f.path.slice(0, -1)) table = (table[k] ??= {}) as Record<string, unknown>;
    // A number that does not parse stays a string, for the schema to refuse by name.
    table[f.path[f.path.length - 1]] = f.kind === 'number' && typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : v;
  }
  const regs = registryFlags((opts.registryMirror as string[] | undefined) ?? [], (opts.insecureRegistry as string[] | undefined) ?? []);
  if (Object.keys(regs).length) out.registries = regs;
  return out;
}

/** berthd mounts, makes namespaces and runs runc: as another user it could only fail later, and less clearly. */
class NotRootError extends Error {}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new NotRootError('must run as root (it mounts filesystems, creates namespaces and runs runc); try sudo berthd');
  const cfg = loadConfig(opts.config as string | undefined, configFromFlags());
  const log = createLogger(cfg.log_level);
  // Handlers first: the socket answers before start() returns, and a signal
  // in between would otherwise kill the process without a shutdown.
  let stopSignal: string | undefined;
  let stopNow: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => {
    if (stopSignal) return;
    stopSignal = signal;
    log.info({ signal }, 'signal received');
    stopNow?.(signal);
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  const daemon = await Berthd.start(cfg, log);
  stopNow = () =>
    daemon.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  if (stopSignal) stopNow(stopSignal);
}

main().catch((err: unknown) => {
  const known = err instanceof ConfigError || err instanceof DatabaseLockedError || err instanceof SocketBusyError || err instanceof NotRootError;
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`berthd: ${known ? msg : (err as Error).stack ?? msg}\n`);
  process.exit(1);
});
