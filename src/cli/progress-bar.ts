/** The CLI's one-line progress bar (aggregate, tasks import). */

/** A one-line progress bar on stderr, drawn only when stderr is a terminal. */
export class ProgressBar {
  private readonly enabled = process.stderr.isTTY === true;
  private lastDraw = 0;
  private drawn = false;

  /** Draws `what` with a bar at done/total (at most every 100 ms, and always at the end). */
  update(what: string, done: number, total: number): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < total) return;
    this.lastDraw = now;
    const fraction = total > 0 ? Math.min(done / total, 1) : 1;
    const width = 30;
    const filled = Math.round(fraction * width);
    this.draw(
      `${what} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.round(fraction * 100)}%`,
    );
  }

  /** Replaces the bar with a line of text. */
  status(text: string): void {
    if (this.enabled) this.draw(text);
  }

  /** Erases the bar (before printing anything else on stderr). */
  clear(): void {
    if (this.enabled && this.drawn) process.stderr.write('\r\x1b[K');
    this.drawn = false;
  }

  private draw(text: string): void {
    const columns = process.stderr.columns ?? 80;
    process.stderr.write(`\r\x1b[K${text.slice(0, columns - 1)}`);
    this.drawn = true;
  }
}
