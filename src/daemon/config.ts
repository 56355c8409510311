import { readFileSync, existsSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
import { LOG_LEVELS, type LogLevel } from './log.js';

export interface RegistryHostConfig {
  /** Endpoints (scheme://host[:port]) tried in order before the registry itself. */
  mirrors: string[];
  /** Plain HTTP allowed for this host (loopback hosts always are). */
  insecure: boolean;
}

export interface Config {
  socket: string;
  root: string;
  state: string;
  log_level: LogLevel;
  metrics_address: string;
  runtime: string;
  /** CRI runtime_handler names a pod may ask for, each with its OCI runtime binary ('' is `runtime`). */
  runtime_handlers: Record<string, string>;
  conmon: string;
  shutdown_grace_seconds: number;
  /** A Go-style duration ("5m", "30s", "0"), as containerd's key of the same name. */
  image_pull_progress_timeout: string;
  /** How long `runtime create` under conmon may take before the start fails and what it made is killed. */
  runtime_create_timeout: string;
  cni: { conf_dir: string; bin_dirs: string[]; default_subnet: string };
  registries: Record<string, RegistryHostConfig>;
}

export const DEFAULT_CONFIG_FILE = '/etc/berth/config.toml';

export function defaultConfig(): Config {
  return {
    socket: '/run/berth/berth.sock',
    root: '/var/lib/berth',
    state: '/run/berth',
    log_level: 'info',
    metrics_address: '',
    // crun refuses hybrid cgroup hosts, which are common; runc handles them.
    runtime: 'runc',
    runtime_handlers: {},
    conmon: 'conmon',
    shutdown_grace_seconds: 10,
    // containerd's default (internal/cri/config: 1m in dockershim, raised to
    // 5m for large images on busy disks).
    image_pull_progress_timeout: '5m',
    runtime_create_timeout: '1m',
    cni: { conf_dir: '/etc/cni/net.d', bin_dirs: ['/opt/cni/bin', '/usr/lib/cni'], default_subnet: '10.87.0.0/16' },
    registries: {},
  };
}

export class ConfigError extends Error {}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration string ("1m30s", "500ms", "0"); undefined if it is not one. */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}

type Shape = 'string' | 'number' | 'boolean' | 'string[]' | { [key: string]: Shape } | { table: Shape };

const REGISTRY_SHAPE: Shape = { mirrors: 'string[]', insecure: 'boolean' };
const CONFIG_SHAPE: Shape = {
  socket: 'string',
  root: 'string',
  state: 'string',
  log_level: 'string',
  metrics_address: 'string',
  runtime: 'string',
  runtime_handlers: { table: 'string' },
  conmon: 'string',
  shutdown_grace_seconds: 'number',
  image_pull_progress_timeout: 'string',
  runtime_create_timeout: 'string',
  cni: { conf_dir: 'string', bin_dirs: 'string[]', default_subnet: 'string' },
  registries: { table: REGISTRY_SHAPE },
};

function checkShape(value: unknown, shape: Shape, path: string): void {
  const where = path || 'config';
  if (shape === 'string' || shape === 'number' || shape === 'boolean') {
    if (typeof value !== shape) throw new ConfigError(`${where}: expected a ${shape}`);
    return;
  }
  if (shape === 'string[]') {
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
      throw new ConfigError(`${where}: expected an array of strings`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new ConfigError(`${where}: expected a table`);
  const entries = Object.entries(value as Record<string, unknown>);
  if ('table' in shape && Object.keys(shape).length === 1) {
    for (const [k, v] of entries) checkShape(v, (shape as { table: Shape }).table, `${path}.${JSON.stringify(k)}`);
    return;
  }
  const fields = shape as Record<string, Shape>;
  for (const [k, v] of entries) {
    const sub = fields[k];
    if (!sub) throw new ConfigError(`${path ? path + '.' : ''}${k}: unknown config key`);
    checkShape(v, sub, path ? `${path}.${k}` : k);
  }
}

/** Layers a partial config (from TOML or flags) over a complete one. */
function merge(base: Config, over: Record<string, unknown>): Config {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    const cur = out[k];
    if (k === 'cni' && typeof cur === 'object' && cur !== null) out[k] = { ...cur, ...(v as object) };
    else if (k === 'registries') {
      const regs = { ...(cur as Record<string, RegistryHostConfig>) };
      for (const [host, r] of Object.entries(v as Record<string, Partial<RegistryHostConfig>>)) {
        const prev: Partial<RegistryHostConfig> = regs[host] ?? {};
        regs[host] = { mirrors: r.mirrors ?? prev.mirrors ?? [], insecure: r.insecure ?? prev.insecure ?? false };
      }
      out[k] = regs;
    } else out[k] = v;
  }
  return out as unknown as Config;
}

function validate(cfg: Config): Config {
  if (!LOG_LEVELS.includes(cfg.log_level)) throw new ConfigError(`log_level: must be one of ${LOG_LEVELS.join(', ')}`);
  for (const key of ['socket', 'root', 'state'] as const)
    if (!cfg[key].startsWith('/')) throw new ConfigError(`${key}: must be an absolute path`);
  for (const [name, bin] of Object.entries(cfg.runtime_handlers))
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name) || !bin)
      throw new ConfigError(`runtime_handlers.${JSON.stringify(name)}: expected a name of letters, digits, . _ - and a runtime binary`);
  if (!(cfg.shutdown_grace_seconds >= 0)) throw new ConfigError('shutdown_grace_seconds: must be >= 0');
  for (const key of ['image_pull_progress_timeout', 'runtime_create_timeout'] as const)
    if (durationMs(cfg[key]) === undefined) throw new ConfigError(`${key}: ${JSON.stringify(cfg[key])}: expected a duration such as 5m, 1m30s or 0`);
  if (durationMs(cfg.runtime_create_timeout) === 0) throw new ConfigError('runtime_create_timeout: must be more than 0');
  if (!/^\d+\.\d+\.\d+\.\d+\/\d+$/.test(cfg.cni.default_subnet))
    throw new ConfigError('cni.default_subnet: expected an IPv4 CIDR such as 10.87.0.0/16');
  for (const [host, r] of Object.entries(cfg.registries))
    for (const m of r.mirrors)
      if (!/^https?:\/\/[^/]+$/.test(m)) throw new ConfigError(`registries.${host}.mirrors: ${m}: expected scheme://host[:port]`);
  return cfg;
}

export function parseConfigText(text: string, source: string): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new ConfigError(`${source}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    checkShape(doc, CONFIG_SHAPE, '');
  } catch (err) {
    throw new ConfigError(`${source}: ${(err as Error).message}`);
  }
  return doc as Record<string, unknown>;
}

/**
 * Defaults, then the config file (the default path only if it exists; an
 * explicit one must), then flags.
 */
export function loadConfig(configFile: string | undefined, flags: Record<string, unknown>): Config {
  let cfg = defaultConfig();
  const file = configFile ?? DEFAULT_CONFIG_FILE;
  if (configFile !== undefined || existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    cfg = merge(cfg, parseConfigText(text, file));
  }
  return validate(merge(cfg, flags));
}
