import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { LogCollector, TRUNCATION_MARKER } from '../src/invoke/log-collector';

const end = (id: string) => `\u001eSTRATUS_END ${id}\u001e\n`;
const setup = (max = 1024) => {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  return { stdout, stderr, logs: new LogCollector({ stdout, stderr }, max) };
};
const tick = () => new Promise((r) => setImmediate(r));

describe('log collector', () => {
  it('gives each invocation the output up to its sentinels, init output to the first', async () => {
    const { stdout, stderr, logs } = setup();
    stdout.write('loading\n');
    stdout.write(`one\n${end('r1')}two\n`);
    stderr.write(`err1\n${end('r1')}`);
    await tick();
    assert.equal((await logs.take('r1', 1000)).text, 'loading\none\nerr1\n');
    stdout.write(end('r2'));
    stderr.write(end('r2'));
    assert.equal((await logs.take('r2', 1000)).text, 'two\n');
  });

  it('waits for sentinels that arrive after the response', async () => {
    const { stdout, stderr, logs } = setup();
    const p = logs.take('r1', 1000);
    stdout.write('late\n');
    stdout.write(end('r1'));
    stderr.write(end('r1'));
    assert.equal((await p).text, 'late\n');
  });

  it('needs only the streams the runtime marked', async () => {
    const { stdout, stderr, logs } = setup();
    const p = logs.take('r1', 60_000, ['stdout']);
    stdout.write(`printed\n${end('r1')}`);
    assert.equal((await p).text, 'printed\n');
    // a later invocation marking only stderr still gets its own output
    stderr.write(`warned\n${end('r2')}`);
    assert.equal((await logs.take('r2', 60_000, ['stderr'])).text, 'warned\n');
  });

  it('gives a silent invocation empty logs at once and leaves earlier output to its owner', async () => {
    const { stdout, stderr, logs } = setup();
    const first = logs.take('r1', 60_000); // its sentinels have not arrived yet
    stdout.write('from r1\n');
    await tick();
    assert.deepEqual(await logs.take('r2', 60_000, []), { text: '', truncated: false });
    stdout.write(end('r1'));
    stderr.write(end('r1'));
    assert.equal((await first).text, 'from r1\n');
  });

  it('keeps text written before the sentinel on the same line', async () => {
    const { stdout, stderr, logs } = setup();
    stdout.write(`no newline${end('r1')}`);
    stderr.write(end('r1'));
    assert.equal((await logs.take('r1', 1000)).text, 'no newline\n');
  });

  it('cuts an invocation at the limit with a marker', async () => {
    const { stdout, stderr, logs } = setup(10);
    stdout.write(`0123456789abcdef\n${end('r1')}`);
    stderr.write(end('r1'));
    const got = await logs.take('r1', 1000);
    assert.equal(got.truncated, true);
    assert.equal(got.text, `0123456789${TRUNCATION_MARKER}`);
  });

  it('answers what it has after the grace time when no sentinel comes', async () => {
    const { stdout, logs } = setup();
    stdout.write('custom runtime\n');
    await tick();
    assert.equal((await logs.take('r1', 20)).text, 'custom runtime\n');
  });

  it('answers at once when the container output ended', async () => {
    const { stdout, stderr, logs } = setup();
    stdout.write('dying\n');
    stdout.end();
    stderr.end();
    await tick();
    assert.equal((await logs.take('r1', 10_000)).text, 'dying\n');
  });
});
