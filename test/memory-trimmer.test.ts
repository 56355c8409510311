import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { MemoryTrimmer, type TrimmerHost } from '../src/daemon/memory-trimmer.js';

/** A host whose loop is as busy as `busy` says and whose heap is `heap` bytes; it counts the collections and trims. */
function fakeHost() {
  const h = {
    busy: 0,
    heap: 10 * 1024 * 1024,
    reduced: 0,
    trimmed: 0,
    reduceMemory: () => void h.reduced++,
    mallocTrim: () => void h.trimmed++,
    heapUsed: () => h.heap,
    loopUtilization: (): EventLoopUtilization => ({ idle: 1000 * (1 - h.busy), active: 1000 * h.busy, utilization: h.busy }),
  };
  return h satisfies TrimmerHost;
}

const noMetrics = { observe() {}, pullBytes() {}, close() {} };
const afterPause = () => sleep(MemoryTrimmer.PAUSE_MS + 300);

test('a call, then a quiet second: one collection and a trim; a second pause with the heap as it was: only a trim', async () => {
  const h = fakeHost();
  const m = new MemoryTrimmer(h).watch(noMetrics);
  try {
    m.observe('Version', 'OK', 0.001);
    await afterPause();
    assert.deepEqual([h.reduced, h.trimmed], [1, 1]);
    m.observe('Version', 'OK', 0.001);
    await afterPause();
    assert.deepEqual([h.reduced, h.trimmed], [1, 2], 'not again within 30 s while the heap did not grow by 2 MiB');
    h.heap += MemoryTrimmer.GROWTH + 1;
    m.observe('Version', 'OK', 0.001);
    await afterPause();
    assert.deepEqual([h.reduced, h.trimmed], [2, 3], 'again once it grew');
  } finally {
    m.close();
  }
});

test('no collection while the event loop is busy (a pull, an exec stream): it waits for a quiet second', async () => {
  const h = fakeHost();
  const m = new MemoryTrimmer(h).watch(noMetrics);
  try {
    h.busy = 0.3;
    m.observe('PullImage', 'OK', 2);
    await afterPause();
    assert.deepEqual([h.reduced, h.trimmed], [0, 0], 'not while busy');
    await sleep(MemoryTrimmer.PAUSE_MS);
    assert.equal(h.reduced, 0, 'nor a second later, still busy');
    h.busy = 0.01;
    await sleep(MemoryTrimmer.PAUSE_MS + 600);
    assert.deepEqual([h.reduced, h.trimmed], [1, 1], 'at the first quiet second');
  } finally {
    m.close();
  }
});
