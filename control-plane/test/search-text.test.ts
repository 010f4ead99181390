import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { searchText } from '../src/store/invocations-repo';

describe('the words indexed for an invocation (searchText)', () => {
  const id = '6f1c2a9e-0b7d-4c55-9e2a-3d4b5c6d7e8f';

  it("keeps what the function logged and drops the platform's START / END / REPORT lines", () => {
    const logs = `START RequestId: ${id} Version: 3\nloading order 12345\n[ERROR] card declined\nEND RequestId: ${id}\nREPORT RequestId: ${id}\tDuration: 2.26 ms\tBilled Duration: 3 ms\n`;

    assert.equal(searchText(logs), 'loading order 12345\n[ERROR] card declined\n');
  });

  it('leaves nothing to index for a function that logged nothing', () => {
    assert.equal(searchText(`START RequestId: ${id} Version: 1\nEND RequestId: ${id}\nREPORT RequestId: ${id}\tDuration: 1.00 ms\n`), '');
  });

  it('keeps a line that only mentions a request id', () => {
    assert.equal(searchText(`retrying RequestId: ${id}`), `retrying RequestId: ${id}`);
  });

  it('indexes at most the first 300,000 characters', () => {
    assert.equal(searchText('word '.repeat(100_000)).length, 300_000);
  });
});
