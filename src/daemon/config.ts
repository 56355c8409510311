import { readFileSync, existsSync } from 'node:fs';
import { parse as parseToml } from 'smol-toml';
// zod 4's entries (zod, zod/mini, zod/v4/core) all load its ~50 locales: +9-11 MiB RSS
// and ~150 ms at every start, for a schema used once; its v3 entry costs +2 MiB and 30 ms.
import { z } from 'zod/v3';
import { LOG_LEVELS } from './log.js';

/** How a setting is given on berthd's command line; help and default come from the schema. */
export interface FlagMeta {
  /** commander's form, e.g. `--socket <path>`. */
  flag: string;
  help: string;
  repeatable?: boolean;
}

const CLI = new WeakMap<z.ZodTypeAny, FlagMeta>();

/** `schema`, given on the command line as `cli` says. */
function flag<T extends z.ZodTypeAny>(schema: T, cli: FlagMeta): T {
  CLI.set(schema, cli);
  return schema;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds in a Go duration string ("1m30s", "500ms", "0"); undefined if it is not one. */
export function durationMs(text: string): number | undefined {
  if (text === '0') return 0;
  if (!/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)) return undefined;
  let ms = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(m[1]) * UNIT_MS[m[2]];
  return ms;
}

const absolutePath = z.string().refine((p) => p.startsWith('/'), 'must be an absolute path');
const duration = z.string().refine((d) => durationMs(d) !== undefined, 'expected a duration such as 5m, 1m30s or 0');

const REGISTRY = z
  .object({
    /** Endpoints (scheme://host[:port]) tried in order before the registry itself. */
    mirrors: z.array(z.string().regex(/^https?:\/\/[^/]+$/, 'expected scheme://host[:port]')).default([]),
    /** Plain HTTP allowed for this host (loopback hosts always are). */
    insecure: z.boolean().default(false),
  })
  .strict();

/**
 * berthd's settings, declared once: each field's type, default,
 * validation and (where it has one) command-line flag. The TOML file,
 * the flags, `--help` and the Config type all come from this.
 */
export const CONFIG_SCHEMA = z
  .object({
    socket: flag(absolutePath.default('/run/berth/berth.sock'), { flag: '--socket <path>', help: 'gRPC unix socket' }),
    root: flag(absolutePath.default('/var/lib/berth'), { flag: '--root <dir>', help: 'persistent state: images, database' }),
    state: flag(absolutePath.default('/run/berth'), { flag: '--state <dir>', help: 'runtime state that a reboot wipes' }),
    log_level: flag(z.enum(LOG_LEVELS).default('info'), { flag: '--log-level <level>', help: `log level (${LOG_LEVELS.join(', ')})` }),
    metrics_address: flag(z.string().default(''), { flag: '--metrics-address <host:port>', help: 'serve Prometheus metrics at http://host:port/metrics' }),
    // Exec, Attach and PortForward answer with URLs here; as containerd, loopback and a free port unless set.
    stream_address: flag(z.string().min(1).default('127.0.0.1'), { flag: '--stream-address <ip>', help: 'address of the streaming server (exec, attach, port-forward)' }),
    stream_port: flag(z.number().int().min(0).max(65535).default(0), { flag: '--stream-port <port>', help: 'port of the streaming server; 0 picks a free one' }),
    stream_tls_cert: flag(z.union([z.literal(''), absolutePath]).default(''), {
      flag: '--stream-tls-cert <file>',
      help: 'PEM certificate: the streaming server speaks HTTPS (with --stream-tls-key)',
    }),
    stream_tls_key: flag(z.union([z.literal(''), absolutePath]).default(''), { flag: '--stream-tls-key <file>', help: 'PEM private key of --stream-tls-cert' }),
    // The kubelet's streaming server and containerd close a session idle this long (containerd's default).
    stream_idle_timeout: flag(duration.default('4h'), {
      flag: '--stream-idle-timeout <duration>',
      help: 'close an exec, attach or port-forward session that carries no data either way for this long; 0 never',
    }),
    // crun refuses hybrid cgroup hosts, which are common; runc handles them.
    runtime: flag(z.string().min(1).default('runc'), { flag: '--runtime <path>', help: 'OCI runtime binary, runc or crun' }),
    /** CRI runtime_handler names a pod may ask for, each with its OCI runtime binary ('' is `runtime`). */
    runtime_handlers: z
      .record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'expected a name of letters, digits, . _ -'), z.string().min(1, 'expected a runtime binary'))
      .default({}),
    conmon: flag(z.string().min(1).default('conmon'), { flag: '--conmon <path>', help: 'conmon binary' }),
    shutdown_grace_seconds: flag(z.number().min(0).default(10), { flag: '--shutdown-grace <seconds>', help: 'how long calls in flight may finish at SIGTERM' }),
    // containerd's default (1m in dockershim, raised to 5m for large images on busy disks).
    image_pull_progress_timeout: flag(duration.default('5m'), {
      flag: '--image-pull-progress-timeout <duration>',
      help: 'fail a pull whose registry sends nothing for this long, e.g. 5m, 30s; 0 never',
    }),
    runtime_create_timeout: flag(duration.refine((d) => durationMs(d) !== 0, 'must be more than 0').default('1m'), {
      flag: '--runtime-create-timeout <duration>',
      help: 'fail a container start whose runtime create takes longer, killing what it made',
    }),
    cni: z
      .object({
        conf_dir: flag(z.string().default('/etc/cni/net.d'), { flag: '--cni-conf-dir <dir>', help: 'CNI network configs' }),
        bin_dirs: flag(z.array(z.string()).default(['/opt/cni/bin', '/usr/lib/cni']), { flag: '--cni-bin-dir <dir>', help: 'CNI plugin dir', repeatable: true }),
        default_subnet: flag(
          z
            .string()
            .regex(/^\d+\.\d+\.\d+\.\d+\/\d+$/, 'expected an IPv4 CIDR such as 10.87.0.0/16')
            .default('10.87.0.0/16'),
          { flag: '--cni-default-subnet <cidr>', help: 'subnet of the default network berth installs' },
        ),
      })
      .strict()
      // v3's default is parsed like a given value, so the fields' own defaults fill it.
      .default({}),
    // Given on the command line by --registry-mirror and --insecure-registry (registryFlags).
    registries: z.record(z.string(), REGISTRY).default({}),
  })
  .strict();

export type Config = z.infer<typeof CONFIG_SCHEMA>;
export type RegistryHostConfig = z.infer<typeof REGISTRY>;

export const DEFAULT_CONFIG_FILE = '/etc/berth/config.toml';

export class ConfigError extends Error {}

export function defaultConfig(): Config {
  return CONFIG_SCHEMA.parse({});
}

/** A flag of the schema, with where its value goes in the config. */
export interface SchemaFlag extends FlagMeta {
  path: string[];
  kind: 'string' | 'number' | 'array';
  default: unknown;
}

function innerType(s: z.ZodTypeAny): z.ZodTypeAny {
  return s instanceof z.ZodDefault ? innerType(s.removeDefault() as z.ZodTypeAny) : s;
}

/** Every flag the schema declares, in declaration order. */
export function schemaFlags(schema: z.AnyZodObject = CONFIG_SCHEMA, path: string[] = []): SchemaFlag[] {
  const out: SchemaFlag[] = [];
  for (const [key, field] of Object.entries(schema.shape) as [string, z.ZodTypeAny][]) {
    const inner = innerType(field);
    if (inner instanceof z.ZodObject) {
      out.push(...schemaFlags(inner, [...path, key]));
      continue;
    }
    const cli = CLI.get(field);
    if (!cli) continue;
    const kind = inner instanceof z.ZodNumber ? 'number' : inner instanceof z.ZodArray ? 'array' : 'string';
    out.push({ ...cli, path: [...path, key], kind, default: field.parse(undefined) });
  }
  return out;
}

/** The registries part of the config from --registry-mirror HOST=URL and --insecure-registry HOST. */
export function registryFlags(mirrors: string[], insecure: string[]): Record<string, { mirrors?: string[]; insecure?: boolean }> {
  const regs: Record<string, { mirrors?: string[]; insecure?: boolean }> = {};
  for (const host of insecure) regs[host] = { ...regs[host], insecure: true };
  for (const spec of mirrors) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new ConfigError(`--registry-mirror ${spec}: expected host=scheme://endpoint`);
    const host = spec.slice(0, eq);
    regs[host] = { ...regs[host], mirrors: [...(regs[host]?.mirrors ?? []), spec.slice(eq + 1)] };
  }
  return regs;
}

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` laid over `base`: tables merge key by key, anything else replaces. */
function merge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = isTable(v) && isTable(out[k]) ? merge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

function describe(issue: z.ZodIssue): string {
  const path = issue.path.map(String).join('.');
  const at = (p: string) => (p ? `${p}: ` : '');
  if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => `${path ? path + '.' : ''}${k}: unknown config key`).join('; ');
  if (issue.code === 'invalid_type') return `${at(path)}expected ${/^[aeiou]/.test(issue.expected) ? 'an' : 'a'} ${issue.expected}`;
  if (issue.code === 'invalid_enum_value') return `${at(path)}must be one of ${issue.options.join(', ')}`;
  return `${at(path)}${issue.message}`;
}

function check(input: Record<string, unknown>, source: string): Config {
  const r = CONFIG_SCHEMA.safeParse(input);
  if (!r.success) throw new ConfigError(`${source}${r.error.issues.map(describe).join('; ')}`);
  return r.data;
}

function readToml(text: string, source: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (err) {
    throw new ConfigError(`${source}: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** A config file's text, checked against the schema on its own (so errors name the file). */
export function parseConfigText(text: string, source: string): Record<string, unknown> {
  const doc = readToml(text, source);
  check(doc, `${source}: `);
  return doc;
}

/**
 * Defaults, then the config file (the default path only if it exists; an
 * explicit one must), then flags; the result checked as a whole.
 */
export function loadConfig(configFile: string | undefined, flags: Record<string, unknown>): Config {
  let input: Record<string, unknown> = {};
  const file = configFile ?? DEFAULT_CONFIG_FILE;
  if (configFile !== undefined || existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError(`${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    input = parseConfigText(text, file);
  }
  return check(merge(input, flags), '');
}
