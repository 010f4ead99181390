// The warm row's note of where the time went, from the gateway's Server-Timing header (p50 of each
// part, and what the slowest 1% of calls were made of).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timingNote } from '../src/scenarios/warm.ts';

test('notes each part at p50 and the mean of the slowest 1% of calls', () => {
  const fast = { client: 0.3, gateway: 0.2, hop: 0.4, agent: 0.1, queue: 0.05, function: 0.5 };
  const timings = Array.from({ length: 199 }, () => ({ ms: 1.55, parts: { ...fast } }));
  timings.push({ ms: 80, parts: { ...fast, function: 78.95 } }, { ms: 90, parts: { ...fast, function: 88.95 } });

  const note = timingNote(timings);

  assert.match(note, /^Server-Timing p50: client 0\.300, gateway 0\.200, hop 0\.400, agent 0\.100, queue 0\.050, function 0\.500 ms/);
  // 2 of 201 calls are the slowest 1%: their function part is what made them slow
  assert.match(note, /slowest 1% \(mean\): client 0\.30, gateway 0\.20, hop 0\.40, agent 0\.10, queue 0\.05, function 83\.95 ms$/);
  assert.equal(timingNote([]), '');
});
