import { readFileSync } from 'node:fs';
import type { DataSource } from 'typeorm';

/** Linux's USER_HZ: /proc reports CPU time in these ticks (100 on every mainstream architecture). */
const TICKS_PER_SECOND = 100;

/**
 * CPU seconds (user + system) the PostgreSQL backends serving `dataSource`'s application have
 * used, by pid, read from /proc: the server must run on this machine (the bench's 127.0.0.1).
 * A backend that is gone by the second reading loses its time, so a delta is a lower bound.
 */
export async function backendCpuSeconds(dataSource: DataSource): Promise<Map<number, number>> {
  const rows: Array<{ pid: number }> = await dataSource.query(
    `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'quorum'`,
  );
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // Not on this machine, or already gone.
    }
  }
  return seconds;
}

/** CPU seconds used between two `backendCpuSeconds` readings (new backends count from zero). */
export function cpuSecondsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}
