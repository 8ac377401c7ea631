import type { Clock } from '../../common/clock';

/** Most entries one cache keeps; past it the oldest are dropped (a Map iterates in insertion order). */
const MAX_ENTRIES = 50_000;

interface Entry<V> {
  readonly value: V;
  readonly expiresAtMs: number;
}

/**
 * A per-process map whose entries live `ttlSeconds` on the injected clock: authentication reads
 * a user's roles or an API key's row once per window instead of once per request. The window is
 * the documented delay before a change made through another process (a revoked key, a removed
 * role, a deleted user) is seen here; changes made through this process call `forget` and apply
 * at once. Concurrent misses for one key share a single load.
 */
export class CredentialCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly loading = new Map<string, Promise<V>>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
  ) {}

  /** The cached value for `key`, or `load()`'s answer (cached for the window). */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAtMs > now) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const loaded = load().then(
      value => {
        this.loading.delete(key);
        this.remember(key, value, now);
        return value;
      },
      (error: unknown) => {
        this.loading.delete(key);
        throw error;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  /** Drops `key`, so the next `get` reads the database (after a change made in this process). */
  forget(key: string): void {
    this.entries.delete(key);
    this.loading.delete(key);
  }

  private remember(key: string, value: V, nowMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAtMs: nowMs + this.ttlSeconds * 1000 });
  }
}
