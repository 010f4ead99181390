// An invocation's logs as Lambda prints them: START, the function's own output, END and REPORT.
// Agents publish only the function's output (`logsBare`), and readers frame it here: the platform's
// lines are made of the record's own columns, and storing them with every record was 259 of a no-op
// record's 472 bytes in PostgreSQL (docs/metrics.md). No Node imports: the dashboard's code uses it too.

/** The fields of a record that its START / END / REPORT lines are made of. */
export interface FramedLogsSource {
  id: string;
  version: number;
  status: string;
  errorMessage: string;
  coldStart: boolean;
  /** An ISO string, a Date or epoch ms (an agent's own record). */
  endedAt: string | number | Date | null;
  durationMs: number;
  billedMs: number;
  initMs: number;
  memoryMb: number;
  maxMemoryMb: number;
  /** The function's own output. */
  logs: string;
}

const d = (n: number | undefined) => (Number.isFinite(n) ? (n as number) : 0).toFixed(2);

/** The Lambda-framed text of a record whose `logs` hold only the function's output. */
export function frameLambdaLogs(r: FramedLogsSource): string {
  let text = `START RequestId: ${r.id} Version: ${r.version}\n${r.logs}`;
  if (r.status === 'timeout') {
    const ended = r.endedAt instanceof Date ? r.endedAt.getTime() : r.endedAt;
    const at = typeof ended === 'string' && ended ? ended : typeof ended === 'number' && Number.isFinite(ended) ? new Date(ended).toISOString() : new Date().toISOString();
    text += `${at} ${r.id} ${r.errorMessage}\n`;
  }
  text += `END RequestId: ${r.id}\n`;
  text += `REPORT RequestId: ${r.id}\tDuration: ${d(r.durationMs)} ms\tBilled Duration: ${r.billedMs} ms\tMemory Size: ${r.memoryMb} MB\tMax Memory Used: ${r.maxMemoryMb} MB`;
  if (r.coldStart) text += `\tInit Duration: ${d(r.initMs)} ms`;
  return `${text}\n`;
}

/** A record's or an event's logs as shown: framed when they hold only the function's output. */
export function shownLogs(r: FramedLogsSource & { logsBare?: boolean }): string {
  return r.logsBare ? frameLambdaLogs(r) : r.logs;
}
