/**
 * The JSON column of each row, decoded once: a row read again with the same
 * text gets the object decoded before, so a List parses only the rows that
 * changed since the last read (parsing every row was most of a List's time).
 * The object is frozen, because every reader of the row shares it: records
 * are made by spreading it, and their fields are replaced, never edited.
 */
export class DecodedRows<T extends object> {
  private readonly byId = new Map<string, { text: string; value: T }>();

  decode(id: string, text: string): T {
    const hit = this.byId.get(id);
    if (hit && hit.text === text) return hit.value;
    const value = deepFreeze(JSON.parse(text) as T);
    this.byId.set(id, { text, value });
    return value;
  }

  forget(id: string): void {
    this.byId.delete(id);
  }

  /** After a read of every row: drops the rows gone by any path (a delete, a rolled-back insert). */
  keepOnly(ids: Iterable<string>): void {
    const keep = new Set(ids);
    // Every row just read was decoded: as many as are kept means the same rows.
    if (keep.size === this.byId.size) return;
    for (const id of this.byId.keys()) if (!keep.has(id)) this.byId.delete(id);
  }
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

/**
 * The records of the last full read, and the database connection's count of
 * rows written (total_changes()) at that moment. berthd is the only writer
 * (it holds the database exclusively) and writes through this one
 * connection, so while the count is the same, a read would give the same rows.
 * Not to be read inside a transaction after its writes: a rollback does not
 * lower the count, so rows read there and then rolled back would stay.
 */
export class ListedRows<Row extends { id: string }, R extends object> {
  private last: { changes: number; records: readonly Readonly<R>[] } | undefined;

  constructor(
    private readonly decoded: DecodedRows<object>,
    private readonly toRecord: (row: Row) => R,
  ) {}

  /** Every row, read again only after a write; each record is the caller's own. */
  list(changes: number, readAll: () => Row[]): R[] {
    return this.shared(changes, readAll).map((r) => ({ ...r }));
  }

  /**
   * The records themselves, frozen, in the same array until a write: a
   * reader that finds the array it saw last can keep what it made of it.
   */
  shared(changes: number, readAll: () => Row[]): readonly Readonly<R>[] {
    if (this.last?.changes !== changes) {
      const rows = readAll();
      this.last = { changes, records: Object.freeze(rows.map((r) => Object.freeze(this.toRecord(r)))) };
      this.decoded.keepOnly(rows.map((r) => r.id));
    }
    return this.last.records;
  }
}
