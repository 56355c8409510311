import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

const MAP_FIELDS = new Set(['labels', 'annotations', 'label_selector']);

function snake(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
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
