import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { nowNs } from '../src/ids.js';

describe('timestamps', () => {
  test('nowNs never goes backwards, within a millisecond or across many', () => {
    let last = BigInt(nowNs());
    const wall = BigInt(Date.now()) * 1_000_000n;
    assert.ok(last - wall < 5_000_000n && wall - last < 5_000_000n, 'close to the wall clock');
    for (let i = 0; i < 200_000; i++) {
      const t = BigInt(nowNs());
      assert.ok(t >= last, `stamp ${i} went back by ${last - t} ns`);
      last = t;
    }
  });
});
