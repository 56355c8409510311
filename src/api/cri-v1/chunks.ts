/** Items per message of the Stream* list calls: far below gRPC's message size limit for any item. */
const CHUNK = 100;

/** Sends `items` in lists of at least one item (none for an empty list), each item exactly once. */
export function inChunks<T>(items: T[], write: (chunk: T[]) => unknown): void {
  for (let i = 0; i < items.length; i += CHUNK) write(items.slice(i, i + CHUNK));
}
