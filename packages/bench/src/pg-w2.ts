// W2 on PostgreSQL: the embedded engine on a PostgresStore (one node), PostgreSQL on this machine
// with its defaults (fsync on, synchronous_commit on).
import { W2_TUNING, measureW2 } from './w2.js';
import { withEnv, type ScenarioResult } from './harness.js';
import { openPgBench, perStep } from './pg.js';

/** W2's workflows (2,000 warm-up + 2,000 measured) × 3 activities: the steps the counters cover. */
const STEPS = (2000 + 2000) * 3;

export async function run(): Promise<ScenarioResult> {
  const pg = openPgBench();
  try {
    const before = await pg.counters();
    const result = await withEnv('sequential', W2_TUNING, ({ client }) => measureW2(client, { label: 'pg-w2', setup: 'embedded engine on PostgreSQL (one node); ', targetStepsPerSec: 2000 }), pg.address);
    const after = await pg.counters();
    return { ...result, results: { ...result.results, postgres: perStep(before, after, STEPS) } };
  } finally {
    await pg.close();
  }
}
