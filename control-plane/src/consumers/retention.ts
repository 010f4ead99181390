// Prunes invocation records older than the retention (STRATUS_RETENTION_DAYS) in the background:
// once shortly after start, then every few minutes. Deletes in batches so locks stay short.
import type { Logger } from '@stratus/common';
import type { InvocationStore } from '../store/invocations-repo';

export interface RetentionPruner {
  /** Prunes now; returns how many records went. */
  pruneNow(): Promise<number>;
  close(): Promise<void>;
}

export function startRetentionPruner(opts: { invocations: InvocationStore; retentionDays: number; logger: Logger; intervalMs?: number; firstRunMs?: number }): RetentionPruner {
  const intervalMs = opts.intervalMs ?? 5 * 60_000;
  let running: Promise<number> = Promise.resolve(0);
  let closed = false;
  const pruneNow = () => {
    running = running.then(async () => {
      if (closed || !(opts.retentionDays > 0)) return 0;
      const before = new Date(Date.now() - opts.retentionDays * 86_400_000);
      const deleted = await opts.invocations.prune(before);
      if (deleted > 0) opts.logger.info({ deleted, before: before.toISOString() }, 'pruned invocation records past retention');
      return deleted;
    }).catch((err) => {
      opts.logger.warn({ err }, 'pruning invocation records failed');
      return 0;
    });
    return running;
  };
  const first = setTimeout(() => void pruneNow(), opts.firstRunMs ?? 10_000);
  const every = setInterval(() => void pruneNow(), intervalMs);
  first.unref();
  every.unref();
  return {
    pruneNow,
    async close() {
      closed = true;
      clearTimeout(first);
      clearInterval(every);
      await running;
    },
  };
}
