import { rfc3339, ZERO_TIME } from './format.js';

export type StatusFormat = 'json' | 'yaml' | 'go-template' | 'table';

/** Map fields: their keys are the user's, not the proto's, and keep their spelling. */
const MAP_FIELDS = new Set(['labels', 'annotations', 'label_selector', 'sysctls', 'unified', 'info']);

const camel = (key: string) => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * A message as protobuf's JSON mapping spells it (lowerCamelCase keys),
 * which is what crictl prints and what its --template paths name.
 */
export function protoJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(protoJson);
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [camel(k), MAP_FIELDS.has(k) ? v : protoJson(v)]));
}

/** A v1 ContainerStatus with its times readable, as crictl's inspect shows them. */
export function readableContainerStatus(status: { state?: string; created_at?: string; started_at?: string; finished_at?: string }): unknown {
  const out = protoJson(status) as Record<string, unknown>;
  const started = status.state !== 'CONTAINER_CREATED' && status.state !== 'CREATED';
  const finished = status.state === 'CONTAINER_EXITED' || status.state === 'EXITED' || Number(status.finished_at ?? 0) > 0;
  out.createdAt = rfc3339(status.created_at ?? 0);
  out.startedAt = started && Number(status.started_at ?? 0) > 0 ? rfc3339(status.started_at!) : ZERO_TIME;
  out.finishedAt = finished && Number(status.finished_at ?? 0) > 0 ? rfc3339(status.finished_at!) : ZERO_TIME;
  return out;
}

/** A PodSandboxStatus with its creation time readable. */
export function readablePodStatus(status: { created_at?: string }): unknown {
  return { ...(protoJson(status) as object), createdAt: rfc3339(status.created_at ?? 0) };
}

/** A status answer's verbose info: each value parsed when it is JSON, as crictl does. */
export function parsedInfo(info: Record<string, string> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(info ?? {}).sort()) {
    try {
      out[k] = JSON.parse(info![k]);
    } catch {
      out[k] = info![k];
    }
  }
  return out;
}

/** Prints a document as JSON, YAML or through a Go template (a subset: field paths, if, with, range, index). */
// The YAML and template libraries load only for the output that needs them: every berthctl start would pay for them.
export async function emit(doc: unknown, format: Exclude<StatusFormat, 'table'>, template?: string): Promise<void> {
  if (format === 'json') return void process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    return void process.stdout.write(stringify(doc, { sortMapEntries: true, indentSeq: false }));
  }
  if (template === undefined) throw new UsageError('-o go-template needs --template, e.g. --template "{{.status.id}}"');
  const { parse } = await import('@ctrl/golang-template');
  process.stdout.write(parse(template, doc as Record<string, unknown>) + '\n');
}

/** A mistake in the command line: berthctl prints it with the command's usage and sends nothing. */
export class UsageError extends Error {}
