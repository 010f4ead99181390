import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { frameLambdaLogs, shownLogs, type FramedLogsSource } from '../src/lambda-logs';

const base: FramedLogsSource = {
  id: 'f3c1d7e2-0000-4000-8000-000000000001', version: 3, status: 'ok', errorMessage: '', coldStart: false,
  endedAt: '2026-11-28T02:00:00.000Z', durationMs: 1.234, billedMs: 2, initMs: 0, memoryMb: 128, maxMemoryMb: 14,
  logs: 'hello\n',
};

describe('Lambda-framed logs', () => {
  it('frames a warm invocation as Lambda prints it', () => {
    assert.equal(frameLambdaLogs(base),
      `START RequestId: ${base.id} Version: 3\nhello\nEND RequestId: ${base.id}\n` +
      `REPORT RequestId: ${base.id}\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\n`);
  });

  it('adds the init duration on a cold start and the timeout line on a timeout', () => {
    const text = frameLambdaLogs({ ...base, coldStart: true, initMs: 41.5, status: 'timeout', errorMessage: 'Task timed out after 3.00 seconds', logs: '' });
    assert.equal(text,
      `START RequestId: ${base.id} Version: 3\n2026-11-28T02:00:00.000Z ${base.id} Task timed out after 3.00 seconds\nEND RequestId: ${base.id}\n` +
      `REPORT RequestId: ${base.id}\tDuration: 1.23 ms\tBilled Duration: 2 ms\tMemory Size: 128 MB\tMax Memory Used: 14 MB\tInit Duration: 41.50 ms\n`);
  });

  it('writes the timeout line\'s time from a Date or epoch ms as from the ISO string', () => {
    const timeout = { ...base, status: 'timeout', errorMessage: 'Task timed out after 3.00 seconds', logs: '' };
    const expected = frameLambdaLogs(timeout);
    assert.equal(frameLambdaLogs({ ...timeout, endedAt: Date.parse(base.endedAt as string) }), expected);
    assert.equal(frameLambdaLogs({ ...timeout, endedAt: new Date(base.endedAt as string) }), expected);
    assert.match(frameLambdaLogs({ ...timeout, endedAt: Number.NaN }), /\n\d{4}-\d\d-\d\dT[^ ]+Z /, 'no time: now, never a RangeError');
  });

  it('shows logs that are not bare as they are (records from before, invocations that never ran)', () => {
    assert.equal(shownLogs({ ...base, logs: 'Runtime.ImportModuleError: no module\n' }), 'Runtime.ImportModuleError: no module\n');
    assert.equal(shownLogs({ ...base, logsBare: false }), 'hello\n');
    assert.match(shownLogs({ ...base, logsBare: true }), /^START RequestId: .*\nhello\nEND RequestId: .*\nREPORT /);
  });
});
