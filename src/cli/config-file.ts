import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const MAP_FIELDS = new Set(['labels', 'annotations', 'label_selector', 'sysctls', 'unified']);
/** The few CRI v1 fields the proto itself spells with capitals, and their snake_case forms. */
const PROTO_SPELLED = new Set(['uidMappings', 'gidMappings', 'CDI_devices']);
const PROTO_SPELLING: Record<string, string> = { uid_mappings: 'uidMappings', gid_mappings: 'gidMappings', cdi_devices: 'CDI_devices' };

function snake(key: string): string {
  if (PROTO_SPELLED.has(key)) return key;
  const s = key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  return PROTO_SPELLING[s] ?? s;
}

/** crictl's configs are often written in camelCase; the proto is snake_case. */
function toProtoKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toProtoKeys);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const key = snake(k);
    out[key] = MAP_FIELDS.has(key) ? v : toProtoKeys(v);
  }
  return out;
}

/** Reads a JSON or YAML file shaped like a proto message. */
export function readMessageFile<T>(path: string): T {
  const text = readFileSync(path, 'utf8');
  const doc: unknown = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  if (doc === null || typeof doc !== 'object') throw new Error(`${path}: expected an object`);
  return toProtoKeys(doc) as T;
}
