// Time-sliced chart work: creating or updating many small charts (200 sparklines) runs a few at a
// time per animation frame (at most ~8 ms of work per frame), so the page never freezes.
type Job = () => void;

const queue = new Map<object, Job>();
let scheduled = false;
const BUDGET_MS = 8;

function run(): void {
  scheduled = false;
  const start = performance.now();
  for (const [key, job] of queue) {
    queue.delete(key);
    try {
      job();
    } catch (err) {
      console.error(err);
    }
    if (performance.now() - start > BUDGET_MS) break;
  }
  if (queue.size) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(run);
}

/** Queues `job` for `owner`, replacing any job it had queued (only the latest update matters). */
export function enqueueChartJob(owner: object, job: Job): void {
  queue.delete(owner); // re-insert at the end: older owners go first
  queue.set(owner, job);
  schedule();
}

export function cancelChartJobs(owner: object): void {
  queue.delete(owner);
}
