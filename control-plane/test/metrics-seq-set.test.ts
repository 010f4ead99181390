import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeqSet } from '../src/metrics/seq-set';

describe('committed sequence set', () => {
  it('recognises sequences redelivered out of order and closes gaps into the floor', () => {
    const s = new SeqSet();
    for (const n of [1, 2, 3, 6, 7, 9]) s.add(n);
    assert.equal(s.floor, 3);
    assert.deepEqual(s.ranges, [[6, 7], [9, 9]]);
    assert.ok(s.has(2) && s.has(7) && s.has(9));
    assert.ok(!s.has(4) && !s.has(5) && !s.has(8) && !s.has(10));
    s.add(5);
    s.add(8);
    assert.deepEqual(s.ranges, [[5, 9]]);
    s.add(4);
    assert.equal(s.floor, 9);
    assert.deepEqual(s.ranges, []);
  });

  it('bounds the number of open gaps by giving up on the oldest', () => {
    const s = new SeqSet(0, [], 3);
    for (const n of [2, 4, 6, 8, 10]) s.add(n);
    assert.equal(s.ranges.length, 3);
    assert.equal(s.floor, 4);
  });
});
