/**
 * The source of "now" for everything time-dependent (lease expiry, auto-approval, token expiry,
 * rate limits). Tests inject a `ManualClock` and advance it instead of sleeping.
 */
export interface Clock {
  now(): Date;
}

/** Wall-clock time. */
export const systemClock: Clock = { now: () => new Date() };

/** A clock that moves only when told to; for tests and replays. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string | number = '2026-01-01T00:00:00.000Z') {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  advance(ms: number): Date {
    this.current += ms;
    return this.now();
  }

  set(to: Date | string | number): void {
    this.current = new Date(to).getTime();
  }
}
