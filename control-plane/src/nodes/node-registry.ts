// Agents known to the control plane: registered, heartbeating, and lost when heartbeats stop.
// The in-memory map is authoritative while the control plane runs (heartbeats are frequent);
// the `nodes` table keeps the last known state across restarts, so agents stay listed.
//
// States: `ready` / `draining` as the agent reports them; `lost` is set here after `lostAfterMs`
// without a heartbeat (3 heartbeat intervals by default); a lost node is removed after `removeAfterMs`.
// Every change that matters to placement (pool, load, backends, state) is a node_changed event.
import { StratusError, type Logger } from '@stratus/common';
import type { BackendStatus, NodeStatus, NodeStatusInput } from '@stratus/proto';
import { eq } from 'drizzle-orm';
import type { Database } from '../store/db';
import { nodes as nodesTable } from '../store/schema';
import type { ChangeBus } from './change-bus';

export interface NodeRegistryOptions {
  db: Database;
  bus: ChangeBus;
  logger: Logger;
  heartbeatIntervalMs: number;
  /** Default: 3 heartbeat intervals. */
  lostAfterMs?: number;
  /** Default: 10 minutes. */
  removeAfterMs?: number;
}

interface Entry {
  status: NodeStatus;
  lastHeartbeat: number;
  fingerprint: string;
}

export type BackendCheck = { ok: true } | { ok: false; reason: string };

/** The parts of a node's status that placement cares about (not timestamps, CPU or per-container counters). */
function fingerprint(s: NodeStatus): string {
  return JSON.stringify([
    s.address, s.state, s.version, s.memoryBudgetMb, s.memoryUsedMb, s.running, s.queued,
    s.backends.map((b) => [b.name, b.available, b.reason]),
    s.containers.map((c) => [c.id, c.function, c.version, c.runtime, c.backend, c.state, c.memoryMb]).sort(),
  ]);
}

function normalise(input: NodeStatus | undefined | null): NodeStatus {
  if (!input) throw new StratusError('INVALID_ARGUMENT', 'node: is required', { field: 'node' });
  if (!input.id) throw new StratusError('INVALID_ARGUMENT', 'node.id: is required', { field: 'node.id' });
  if (!input.address) throw new StratusError('INVALID_ARGUMENT', 'node.address: is required (host:port of the agent)', { field: 'node.address' });
  return {
    ...input,
    backends: input.backends ?? [],
    containers: input.containers ?? [],
    memoryBudgetMb: Number(input.memoryBudgetMb ?? 0),
    memoryUsedMb: Number(input.memoryUsedMb ?? 0),
    hostMemoryTotalMb: Number(input.hostMemoryTotalMb ?? 0),
    hostMemoryUsedMb: Number(input.hostMemoryUsedMb ?? 0),
  };
}

export class NodeRegistry {
  private readonly entries = new Map<string, Entry>();
  private timer: NodeJS.Timeout | undefined;
  private writes: Promise<void> = Promise.resolve();
  readonly heartbeatIntervalMs: number;
  readonly lostAfterMs: number;
  readonly removeAfterMs: number;

  constructor(private readonly opts: NodeRegistryOptions) {
    this.heartbeatIntervalMs = opts.heartbeatIntervalMs;
    this.lostAfterMs = opts.lostAfterMs ?? 3 * opts.heartbeatIntervalMs;
    this.removeAfterMs = opts.removeAfterMs ?? 10 * 60_000;
  }

  /** Loads the nodes of an earlier run and starts the liveness check. */
  async start(): Promise<void> {
    const rows = await this.opts.db.select().from(nodesTable);
    for (const row of rows) {
      const last = row.lastHeartbeatAt.getTime();
      const status = normalise({ ...row.status, state: row.state });
      this.entries.set(row.id, { status, lastHeartbeat: last, fingerprint: fingerprint(status) });
    }
    const every = Math.max(50, Math.min(1000, Math.floor(this.heartbeatIntervalMs / 2)));
    this.timer = setInterval(() => this.checkLiveness(), every);
    this.timer.unref();
    this.checkLiveness();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.writes;
  }

  register(input: NodeStatus | null | undefined): NodeStatus {
    const status = this.accept(normalise(input), true);
    this.opts.logger.info({ node: status.id, address: status.address, backends: status.backends.map((b) => `${b.name}:${b.available ? 'up' : 'down'}`) }, 'node registered');
    return status;
  }

  /** Returns false when the node is unknown (the agent must register again). */
  heartbeat(input: NodeStatus | null | undefined): boolean {
    const status = normalise(input);
    if (!this.entries.has(status.id)) return false;
    this.accept(status, false);
    return true;
  }

  private accept(status: NodeStatus, registering: boolean): NodeStatus {
    const now = Date.now();
    const previous = this.entries.get(status.id);
    const state = status.state === 'draining' ? 'draining' : 'ready';
    const next: NodeStatus = {
      ...status,
      state,
      lastHeartbeatAt: new Date(now).toISOString(),
      startedAt: status.startedAt || previous?.status.startedAt || new Date(now).toISOString(),
    };
    const fp = fingerprint(next);
    this.entries.set(next.id, { status: next, lastHeartbeat: now, fingerprint: fp });
    if (registering || !previous || previous.fingerprint !== fp) this.opts.bus.publish({ nodeChanged: next });
    if (previous?.status.state === 'lost') this.opts.logger.info({ node: next.id }, 'node is back');
    this.persist(next, now, registering);
    return next;
  }

  private persist(status: NodeStatus, at: number, registering: boolean): void {
    const row = { id: status.id, address: status.address, status, state: status.state, lastHeartbeatAt: new Date(at) };
    this.writes = this.writes
      .then(async () => {
        await this.opts.db
          .insert(nodesTable)
          .values(registering ? { ...row, registeredAt: new Date(at) } : row)
          .onConflictDoUpdate({ target: nodesTable.id, set: registering ? { ...row, registeredAt: new Date(at) } : row });
      })
      .catch((err) => this.opts.logger.warn({ err, node: status.id }, 'could not store node status'));
  }

  /** Marks nodes lost when heartbeats stopped, removes those lost for long. Called on a timer. */
  checkLiveness(now = Date.now()): void {
    for (const [id, entry] of this.entries) {
      const silentFor = now - entry.lastHeartbeat;
      if (entry.status.state !== 'lost' && silentFor > this.lostAfterMs) {
        entry.status = { ...entry.status, state: 'lost', running: 0, queued: 0 };
        entry.fingerprint = fingerprint(entry.status);
        this.opts.logger.warn({ node: id, silentMs: silentFor }, 'node lost: heartbeats stopped');
        this.opts.bus.publish({ nodeChanged: entry.status });
        const status = entry.status;
        this.writes = this.writes
          .then(async () => {
            await this.opts.db.update(nodesTable).set({ state: 'lost', status }).where(eq(nodesTable.id, id));
          })
          .catch((err) => this.opts.logger.warn({ err, node: id }, 'could not store node state'));
      } else if (entry.status.state === 'lost' && silentFor > this.lostAfterMs + this.removeAfterMs) {
        this.entries.delete(id);
        this.opts.logger.info({ node: id }, 'node removed after being lost');
        this.opts.bus.publish({ nodeRemoved: { id } });
        this.writes = this.writes
          .then(async () => {
            await this.opts.db.delete(nodesTable).where(eq(nodesTable.id, id));
          })
          .catch((err) => this.opts.logger.warn({ err, node: id }, 'could not delete node'));
      }
    }
  }

  /** Every known node, by id (lost ones too). */
  list(): NodeStatus[] {
    return [...this.entries.values()].map((e) => e.status).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  /** Nodes that take work (ready). */
  ready(): NodeStatus[] {
    return this.list().filter((n) => n.state === 'ready');
  }

  /**
   * Whether any live agent offers `backend`. With no live agent at all the answer is yes: a
   * function may be deployed before the agents start (they report their backends when they do).
   */
  checkBackend(backend: string): BackendCheck {
    const live = this.list().filter((n) => n.state !== 'lost');
    if (live.length === 0) return { ok: true };
    const reasons: string[] = [];
    for (const node of live) {
      const b: BackendStatus | undefined = node.backends.find((x) => x.name === backend);
      if (b?.available) return { ok: true };
      reasons.push(b ? `${node.id}: ${b.reason || 'not available'}` : `${node.id}: does not offer it`);
    }
    return { ok: false, reason: reasons.join('; ') };
  }
}

export type { NodeStatusInput };
