import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

const addon = require('../../../native/build/Release/berth_memory.node') as { reduceMemory(): void };

/**
 * V8's memory-reducing full collection (native/memory.cc): what is garbage
 * goes, the old generation is compacted and its emptied pages are
 * unmapped. It holds the event loop for as long as it runs (tens of ms).
 */
export function reduceMemory(): void {
  addon.reduceMemory();
}
