import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SseParser } from '../src/lib/sse.ts';

test('server-sent events are parsed across chunk boundaries, comments ignored', () => {
  const p = new SseParser();
  assert.deepEqual(p.push('retry: 2000\n\nevent: hel'), []);
  assert.deepEqual(p.push('lo\ndata: {"a":1}\n\n: ping\n\nevent: batch\ndata: line1\ndata: line2\r\n\r\ndata: x'), [
    { event: 'hello', data: '{"a":1}' },
    { event: 'batch', data: 'line1\nline2' },
  ]);
  assert.deepEqual(p.push('\n\n'), [{ event: 'message', data: 'x' }]);
});
