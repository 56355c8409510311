import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { parseDocument } from 'yaml';

const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** The few CRI v1 fields the proto itself spells with capitals, and their snake_case forms. */
const PROTO_SPELLED = new Set(['uidMappings', 'gidMappings', 'CDI_devices']);
const PROTO_SPELLING: Record<string, string> = { uid_mappings: 'uidMappings', gid_mappings: 'gidMappings', cdi_devices: 'CDI_devices' };

function snake(key: string): string {
  if (PROTO_SPELLED.has(key)) return key;
  const s = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return PROTO_SPELLING[s] ?? s;
}

interface FieldDescriptor {
  name: string;
  type: string;
  typeName: string;
  label: string;
}
interface MessageDescriptor {
  name: string;
  field: FieldDescriptor[];
  nestedType: (MessageDescriptor & { options?: { mapEntry?: boolean } | null })[];
}
interface EnumDescriptor {
  value: { name: string; number: number }[];
}
type Definitions = Record<string, { format?: string; type?: unknown }>;

/** Which proto a config is checked against: CRI v1, or the seed draft with --seed. */
export type Api = 'v1' | 'seed';
const PROTOS: Record<Api, { file: string; pkg: string }> = {
  v1: { file: 'cri-v1/api.proto', pkg: 'runtime.v1' },
  seed: { file: 'api.proto', pkg: 'runtime' },
};
const loaded = new Map<Api, Definitions>();

function definitions(api: Api): Definitions {
  let d = loaded.get(api);
  if (!d) {
    d = loadSync(PROTO_DIR + PROTOS[api].file, { keepCase: true }) as unknown as Definitions;
    loaded.set(api, d);
  }
  return d;
}

class ConfigError extends Error {}

const INTEGER = new Set(['TYPE_INT32', 'TYPE_INT64', 'TYPE_UINT32', 'TYPE_UINT64', 'TYPE_SINT32', 'TYPE_SINT64', 'TYPE_FIXED32', 'TYPE_FIXED64', 'TYPE_SFIXED32', 'TYPE_SFIXED64']);
const UNSIGNED = /UINT|^TYPE_FIXED/;

/**
 * Checks `value` against a message of the proto and returns it with
 * snake_case keys (crictl's configs are often written in camelCase). An
 * unknown key or a value of the wrong type is an error naming its path:
 * a typo silently dropped would create a pod without what was asked for.
 */
class Checker {
  constructor(
    private readonly defs: Definitions,
    private readonly pkg: string,
  ) {}

  private resolve(typeName: string, parent: MessageDescriptor): { message?: MessageDescriptor; map?: MessageDescriptor; enumeration?: EnumDescriptor } {
    const nested = parent.nestedType.find((n) => n.name === typeName);
    if (nested) return nested.options?.mapEntry ? { map: nested } : { message: nested };
    const def = this.defs[`${this.pkg}.${typeName}`] ?? this.defs[typeName];
    if (!def) throw new Error(`berthctl: the proto has no type ${typeName}`);
    return def.format?.includes('Enum') ? { enumeration: def.type as EnumDescriptor } : { message: def.type as MessageDescriptor };
  }

  message(value: unknown, type: MessageDescriptor, path: string): Record<string, unknown> {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(`${path || 'the file'}: expected a mapping (${type.name})`);
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) {
      const at = path ? `${path}.${key}` : key;
      const field = type.field.find((f) => f.name === snake(key));
      if (!field) throw new ConfigError(`${at}: unknown field (${type.name} has ${type.field.map((f) => f.name).join(', ')})`);
      if (v === null) continue;
      out[field.name] = this.field(v, field, type, at);
    }
    return out;
  }

  private field(v: unknown, field: FieldDescriptor, parent: MessageDescriptor, at: string): unknown {
    const target = field.type === 'TYPE_MESSAGE' || field.type === 'TYPE_ENUM' ? this.resolve(field.typeName, parent) : {};
    if (target.map) {
      if (typeof v !== 'object' || Array.isArray(v)) throw new ConfigError(`${at}: expected a mapping of keys to values`);
      const valueField = target.map.field.find((f) => f.name === 'value')!;
      return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, this.single(x, valueField, target.map!, `${at}.${k}`)]));
    }
    if (field.label === 'LABEL_REPEATED') {
      if (!Array.isArray(v)) throw new ConfigError(`${at}: expected a list`);
      return v.map((x, i) => this.single(x, field, parent, `${at}[${i}]`));
    }
    return this.single(v, field, parent, at);
  }

  private single(v: unknown, field: FieldDescriptor, parent: MessageDescriptor, at: string): unknown {
    if (field.type === 'TYPE_MESSAGE') return this.message(v, this.resolve(field.typeName, parent).message!, at);
    if (field.type === 'TYPE_ENUM') {
      const e = this.resolve(field.typeName, parent).enumeration!;
      const ok = e.value.find((x) => x.name === v || x.number === v);
      if (!ok) throw new ConfigError(`${at}: ${JSON.stringify(v)} is not one of ${e.value.map((x) => x.name).join(', ')}`);
      return ok.name;
    }
    if (field.type === 'TYPE_BOOL') {
      if (typeof v !== 'boolean') throw new ConfigError(`${at}: expected true or false, got ${JSON.stringify(v)}`);
      return v;
    }
    if (INTEGER.has(field.type)) {
      const n = typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new ConfigError(`${at}: expected an integer, got ${JSON.stringify(v)}`);
      if (n < 0 && UNSIGNED.test(field.type)) throw new ConfigError(`${at}: expected an integer >= 0, got ${n}`);
      return typeof v === 'string' ? v.trim() : n;
    }
    if (field.type === 'TYPE_DOUBLE' || field.type === 'TYPE_FLOAT') {
      if (typeof v !== 'number') throw new ConfigError(`${at}: expected a number, got ${JSON.stringify(v)}`);
      return v;
    }
    if (typeof v !== 'string') throw new ConfigError(`${at}: expected a string, got ${JSON.stringify(v)}`);
    return v;
  }
}

/** Line and column (1-based) of a character offset. */
function lineOf(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

function parse(path: string, text: string): unknown {
  if (/\.ya?ml$/i.test(path)) {
    const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
    const err = doc.errors[0];
    if (err) throw new ConfigError(`${lineOf(text, err.pos[0])}: ${err.message.split('\n')[0]}`);
    return doc.toJS();
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const pos = /at position (\d+)/.exec(msg);
    throw new ConfigError(`${pos ? lineOf(text, Number(pos[1])) + ': ' : ''}${msg.replace(/ in JSON at position \d+.*$/, '')}`);
  }
}

/**
 * Reads a JSON (or, by its .yaml/.yml name, YAML) file holding the proto
 * message `type` (e.g. PodSandboxConfig), checked strictly. Errors name the
 * file, and the line or the key path.
 */
export function readMessageFile<T>(path: string, type: string, api: Api = 'v1'): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const doc = parse(path, text);
    const { pkg } = PROTOS[api];
    const defs = definitions(api);
    const def = defs[`${pkg}.${type}`];
    if (!def) throw new Error(`berthctl: the ${api} proto has no message ${type}`);
    return new Checker(defs, pkg).message(doc ?? {}, def.type as MessageDescriptor, '') as T;
  } catch (err) {
    if (err instanceof ConfigError) throw new Error(`${path}: ${err.message}`);
    throw err;
  }
}
