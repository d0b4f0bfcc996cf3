// The database of the chaos test: a PostgreSQL server of the test's own (private-postgres.ts),
// which the test restarts — once in good order, once as after a crash — while the cluster runs.
// The machine's shared server serves other tests meanwhile and is never restarted.
import { startPrivatePostgres, type PrivatePostgres } from './private-postgres.js';

export interface ChaosDatabase {
  address: string;
  /** Restarts PostgreSQL: the first time in good order (fast), then immediate (recovery from the WAL). */
  restart(): Promise<void>;
  destroy(): Promise<void>;
}

export async function chaosDatabase(schema: string): Promise<ChaosDatabase> {
  const pg: PrivatePostgres = await startPrivatePostgres();
  let restarts = 0;
  return {
    address: pg.url(schema),
    restart: () => pg.restart(restarts++ % 2 === 0 ? 'fast' : 'immediate'),
    destroy: () => pg.destroy(),
  };
}
