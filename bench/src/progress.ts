// The progress display: one live status line on a terminal (step i of n, what runs, elapsed time),
// plain lines otherwise (CI logs). Writes to stderr so stdout keeps only the final table.
export class Progress {
  private index = 0;
  private label = '';
  private detail = '';
  private stepStarted = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private readonly tty = Boolean(process.stderr.isTTY);

  constructor(private total: number) {}

  setTotal(total: number): void { this.total = total; }

  step(label: string): void {
    this.finishLine();
    this.index++;
    this.label = label;
    this.detail = '';
    this.stepStarted = Date.now();
    if (this.tty) {
      this.render();
      this.timer ??= setInterval(() => this.render(), 250);
      this.timer.unref();
    } else {
      process.stderr.write(`[${this.index}/${this.total}] ${label}\n`);
    }
  }

  update(detail: string): void {
    this.detail = detail;
    if (this.tty) this.render();
  }

  /** Ends the current step with a one-line result. */
  done(result: string): void {
    if (this.tty) {
      this.clear();
      process.stderr.write(`\x1b[32m✓\x1b[0m [${this.index}/${this.total}] ${this.label}: ${result} (${secs(Date.now() - this.stepStarted)})\n`);
    } else {
      process.stderr.write(`    -> ${result} (${secs(Date.now() - this.stepStarted)})\n`);
    }
    this.label = '';
  }

  fail(message: string): void {
    if (this.tty) this.clear();
    process.stderr.write(`${this.tty ? '\x1b[31m✗\x1b[0m ' : '    !! '}[${this.index}/${this.total}] ${this.label}: ${message}\n`);
    this.label = '';
  }

  log(message: string): void {
    if (this.tty) this.clear();
    process.stderr.write(`${message}\n`);
    if (this.tty && this.label) this.render();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.tty) this.clear();
  }

  private finishLine(): void {
    if (this.label && this.tty) this.clear();
  }

  private clear(): void {
    process.stderr.write('\r\x1b[2K');
  }

  private render(): void {
    if (!this.label) return;
    const width = process.stderr.columns || 100;
    const bar = progressBar(this.index - 1, this.total, 20);
    const line = `${bar} [${this.index}/${this.total}] ${this.label}${this.detail ? ` — ${this.detail}` : ''} (${secs(Date.now() - this.stepStarted)}, total ${secs(Date.now() - this.started)})`;
    process.stderr.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
  }
}

function progressBar(done: number, total: number, width: number): string {
  const filled = total > 0 ? Math.round((done / total) * width) : 0;
  return `[${'#'.repeat(filled)}${'.'.repeat(Math.max(0, width - filled))}]`;
}

function secs(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}
