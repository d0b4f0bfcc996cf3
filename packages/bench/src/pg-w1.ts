// W1 on PostgreSQL: the embedded engine on a PostgresStore (one node), PostgreSQL on this machine
// with its defaults (fsync on, synchronous_commit on).
import { W1_TUNING, measureW1 } from './w1.js';
import { withEnv, type ScenarioResult } from './harness.js';
import { openPgBench, perStep } from './pg.js';

/** W1's runs (600 warm-up + 200 measured) × 10 activities: the steps the counters cover. */
const STEPS = (600 + 200) * 10;

export async function run(): Promise<ScenarioResult> {
  const pg = openPgBench();
  try {
    const before = await pg.counters();
    const result = await withEnv('sequential', W1_TUNING, ({ client }) => measureW1(client, { label: 'pg-w1', setup: 'embedded engine on PostgreSQL (one node); ', targetP50Ms: 15 }), pg.address);
    const after = await pg.counters();
    return { ...result, results: { ...result.results, postgres: perStep(before, after, STEPS) } };
  } finally {
    await pg.close();
  }
}
