import type * as grpc from '@grpc/grpc-js';

/*
 * A List answers with the same items call after call on a node that is not
 * changing (the kubelet lists every second), and protobuf's fromObject and
 * encode of 100 containers was ~2 ms of CPU per ListContainers and most of
 * its garbage. So each item's message is made once (ListedMessages) and
 * encoded once (encodeListsOnce), and made and encoded again only when what
 * it is made from has changed.
 */

/** Freezes a message and everything in it, so that its bytes can be kept. */
function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * The message of each listed record, made again only when one of the
 * record's own fields (compared with ===) or `extra` differs from those it
 * was made from; frozen all the way down. A record's nested values are
 * those of its store row, frozen and shared until the row changes, so ===
 * on them is a comparison of contents. Keyed by the record's `spec`, which
 * lives as long as the row's text is the same: a removed or rewritten row's
 * message goes with it.
 */
export class ListedMessages<R extends { spec: object }, X, M extends object> {
  private readonly made = new WeakMap<object, { rec: R; extra: X; msg: M }>();

  constructor(private readonly make: (rec: R, extra: X) => M) {}

  of(rec: R, extra: X): M {
    const hit = this.made.get(rec.spec);
    // A frozen record (the store's own, shared until its row changes) is kept as is: given again, it is the same.
    if (hit && hit.extra === extra && (hit.rec === rec || sameFields(hit.rec, rec))) return hit.msg;
    const msg = deepFreeze(this.make(rec, extra));
    this.made.set(rec.spec, { rec: Object.isFrozen(rec) ? rec : { ...rec }, extra, msg });
    return msg;
  }
}

function sameFields(a: object, b: object): boolean {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in y) {
    if (x[k] !== y[k]) return false;
    n++;
  }
  return n === Object.keys(x).length;
}

/**
 * Each listed method's response serializer, keeping each item's bytes: a
 * repeated message field is encoded as one entry per item, one after the
 * other, so an answer is its items' entries put together (and its other
 * fields, if any, after them). Only a frozen item's bytes are kept (it
 * cannot change, ListedMessages' are frozen all the way down), for as
 * long as the item lives.
 *
 * `lists` names each method's repeated field.
 */
export function encodeListsOnce(def: grpc.ServiceDefinition, lists: Record<string, string>): grpc.ServiceDefinition {
  const out: Record<string, grpc.MethodDefinition<unknown, unknown>> = { ...def };
  for (const [name, field] of Object.entries(lists)) {
    const method = def[name];
    if (!method) throw new Error(`no method ${name} to encode lists of`);
    const serialize = method.responseSerialize;
    const entries = new WeakMap<object, Buffer>();
    const entryOf = (item: unknown): Buffer => {
      if (!item || typeof item !== 'object' || !Object.isFrozen(item)) return serialize({ [field]: [item] });
      let bytes = entries.get(item);
      if (!bytes) entries.set(item, (bytes = serialize({ [field]: [item] })));
      return bytes;
    };
    out[name] = {
      ...method,
      responseSerialize: (value: unknown) => {
        const { [field]: items, ...rest } = value as Record<string, unknown>;
        if (!Array.isArray(items)) return serialize(value);
        const parts = items.map(entryOf);
        if (Object.keys(rest).length) parts.push(serialize(rest));
        return Buffer.concat(parts);
      },
    };
  }
  return out;
}
