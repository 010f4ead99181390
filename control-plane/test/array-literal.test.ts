import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayLiteral } from '../src/store/invocations-repo';

describe('arrayLiteral', () => {
  it('quotes text, escaping quotes and backslashes, and keeps NULL apart from the word', () => {
    assert.equal(arrayLiteral(['a', 'say "hi"', 'back\\slash', 'NULL', null, '{x,y}', '']), '{"a","say \\"hi\\"","back\\\\slash","NULL",NULL,"{x,y}",""}');
  });
  it('writes booleans and numbers bare, and an empty array as {}', () => {
    assert.equal(arrayLiteral([true, false, 0, 1.5, -2]), '{t,f,0,1.5,-2}');
    assert.equal(arrayLiteral([]), '{}');
  });
});
