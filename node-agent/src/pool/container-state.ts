// One state machine per container; every transition is listed here and nowhere else.
//
//   starting ──▶ prewarmed ──▶ specializing ──▶ busy ⇄ idle
//       └───────────┴──────────────┴────────────┴──────┴──▶ removing
//
// Idle expiry is a timer of the idle state (keep-alive), armed on entering it and cleared on leaving:
// no sweeper scans the pool.
export type ContainerState = 'starting' | 'prewarmed' | 'specializing' | 'idle' | 'busy' | 'removing';

const TRANSITIONS: Readonly<Record<ContainerState, readonly ContainerState[]>> = {
  starting: ['prewarmed', 'removing'],
  prewarmed: ['specializing', 'removing'],
  specializing: ['busy', 'idle', 'removing'], // busy: for an invocation; idle: warmed ahead of demand
  idle: ['busy', 'removing'],
  busy: ['idle', 'removing'],
  removing: [],
};

export class IllegalTransitionError extends Error {
  constructor(readonly from: ContainerState, readonly to: ContainerState, containerId: string) {
    super(`container ${containerId.slice(0, 12)} is ${from}: cannot become ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function canTransition(from: ContainerState, to: ContainerState): boolean {
  return TRANSITIONS[from].includes(to);
}

export class ContainerStateMachine {
  private current: ContainerState = 'starting';
  private since = Date.now();
  private idleTimer?: NodeJS.Timeout;

  /**
   * @param onIdleExpired called when the container stayed idle for keepAliveMs; the owner decides
   *        whether it goes (it may call `rearmIdle` to keep it, e.g. for a function's minimum warm).
   */
  constructor(
    private readonly containerId: string,
    private readonly keepAliveMs: number,
    private readonly onIdleExpired: () => void,
  ) {}

  get state(): ContainerState {
    return this.current;
  }

  /** When the current state was entered (epoch ms). */
  get enteredAt(): number {
    return this.since;
  }

  is(...states: ContainerState[]): boolean {
    return states.includes(this.current);
  }

  transition(to: ContainerState): void {
    if (!canTransition(this.current, to)) throw new IllegalTransitionError(this.current, to, this.containerId);
    this.clearIdleTimer();
    this.current = to;
    this.since = Date.now();
    if (to === 'idle') this.rearmIdle();
  }

  rearmIdle(): void {
    this.clearIdleTimer();
    if (this.current !== 'idle') return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.current === 'idle') this.onIdleExpired();
    }, this.keepAliveMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }
}
