import type { DataSource } from 'typeorm';
import { ManualClock } from '../../src/common/clock';
import { createLogger } from '../../src/common/logger';
import { buildContainer, type Services } from '../../src/container';
import { closeDataSource } from '../../src/db/data-source';
import { createCountedDataSource, QueryCounter } from './query-counter';
import { testConfig } from './test-config';
import { useTestDatabase } from './test-db';

/** What `useCountedServices` gives a suite (read in tests, after `beforeAll`). */
export interface CountedServices {
  readonly ds: DataSource;
  readonly services: Services;
  readonly counter: QueryCounter;
  readonly clock: ManualClock;
  /** The gold-mixing draw every lease takes: 0 = gold first, 0.99 = ordinary only. */
  draw: number;
}

/**
 * A test database and the app's services on a DataSource whose statements `counter` records,
 * with a manual clock and a settable gold draw; before each test every project is archived (each
 * test starts with no work on offer) and the draw is reset to `draw`.
 */
export function useCountedServices(options: { poolSize: number; draw: number }): CountedServices {
  const database = useTestDatabase({ poolSize: options.poolSize });
  const counter = new QueryCounter();
  const clock = new ManualClock('2026-03-01T00:00:00.000Z');
  const state = { draw: options.draw } as { ds: DataSource; services: Services; draw: number };

  beforeAll(async () => {
    state.ds = await createCountedDataSource(database.current.url, counter);
    state.services = buildContainer(
      testConfig(),
      state.ds,
      createLogger('silent'),
      clock,
      () => state.draw,
    ).services;
  });

  afterAll(async () => {
    await closeDataSource(state.ds);
  });

  beforeEach(async () => {
    await state.ds.query(`UPDATE projects SET status = 'ARCHIVED'`);
    state.draw = options.draw;
  });

  return {
    get ds() {
      return state.ds;
    },
    get services() {
      return state.services;
    },
    counter,
    clock,
    get draw() {
      return state.draw;
    },
    set draw(value: number) {
      state.draw = value;
    },
  };
}
