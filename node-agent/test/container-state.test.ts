import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerStateMachine, IllegalTransitionError, canTransition } from '../src/pool/container-state';

describe('container state machine', () => {
  it('walks the life of a container from starting to removing', () => {
    const fsm = new ContainerStateMachine('abc', 60_000, () => undefined);
    for (const s of ['prewarmed', 'specializing', 'busy', 'idle', 'busy', 'idle', 'removing'] as const) fsm.transition(s);
    assert.equal(fsm.state, 'removing');
  });

  it('throws on an illegal transition and names the current state', () => {
    const fsm = new ContainerStateMachine('abcdef', 60_000, () => undefined);
    assert.throws(() => fsm.transition('busy'), (err: unknown) => err instanceof IllegalTransitionError && /is starting/.test(err.message) && err.from === 'starting');
    fsm.transition('removing');
    assert.throws(() => fsm.transition('idle'), /is removing/);
  });

  it('allows a specialised container to go idle when warmed ahead of demand', () => {
    assert.equal(canTransition('specializing', 'idle'), true);
    assert.equal(canTransition('prewarmed', 'busy'), false);
    assert.equal(canTransition('idle', 'specializing'), false);
  });

  it('fires the idle expiry after keep-alive, only while idle', async () => {
    let expired = 0;
    const fsm = new ContainerStateMachine('x', 20, () => { expired++; });
    fsm.transition('prewarmed');
    fsm.transition('specializing');
    fsm.transition('idle');
    fsm.transition('busy'); // leaving idle clears the timer
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(expired, 0);
    fsm.transition('idle');
    for (let i = 0; i < 200 && expired === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(expired, 1);
  });
});
