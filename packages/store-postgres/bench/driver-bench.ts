// Measures `pg` against `postgres` (porsager) on the store's workload, interleaved in one process:
// a group-commit transaction of N run updates (UPDATE with version check, INSERT events, upsert a
// task, delete a timer), written statement by statement and as a few set-based statements over
// arrays, and point reads of a record. Prints medians in ms.
//   node packages/store-postgres/dist/bench/driver-bench.js [postgres://127.0.0.1:5432/test]
// The store uses `postgres`: set-based commits came out even (within ±15% either way across runs
// on a loaded 2-core machine), 200 concurrent point reads 4-5x faster (it pipelines queries on
// its connections; pg's pool runs one per connection), one-at-a-time reads mixed; and
// statements issued together in a transaction pipeline, which batch-write.ts relies on.
// Statement-per-row writes cost ~7x set-based ones at 100 runs with either driver.
import pg from 'pg';
import postgres from 'postgres';

const URL_ = process.argv[2] ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = `bench_driver_${process.pid}`;
const ROUNDS = 15;
const STATE = JSON.stringify({ pending: Array.from({ length: 20 }, (_, i) => ({ seq: i, type: 'act', attempt: 1 })) });
const EVENT = JSON.stringify({ eventId: 0, eventTime: Date.now(), type: 'ActivityTaskCompleted', attributes: { seq: 1, result: { metadata: { encoding: 'json/plain' }, data: '"x"'.repeat(50) } } });

const DDL = `
CREATE SCHEMA ${SCHEMA};
SET search_path = ${SCHEMA};
CREATE TABLE workflows (namespace text, workflow_id text, run_id text, next_event_id int NOT NULL, state text NOT NULL, PRIMARY KEY (namespace, workflow_id, run_id));
CREATE TABLE history (namespace text, workflow_id text, run_id text, event_id int, event text NOT NULL, PRIMARY KEY (namespace, workflow_id, run_id, event_id));
CREATE TABLE tasks (namespace text, workflow_id text, run_id text, task_id text, visible_at float8 NOT NULL, PRIMARY KEY (namespace, workflow_id, run_id, task_id));
CREATE TABLE timers (namespace text, workflow_id text, run_id text, timer_id text, fire_at float8 NOT NULL, PRIMARY KEY (namespace, workflow_id, run_id, timer_id));
`;

interface Driver {
  name: string;
  perStatement(runs: number[], version: number): Promise<void>;
  setBased(runs: number[], version: number): Promise<void>;
  read(run: number): Promise<void>;
  end(): Promise<void>;
}

const Q = {
  update: 'UPDATE workflows SET next_event_id = $1, state = $2 WHERE namespace = $3 AND workflow_id = $4 AND run_id = $5 AND next_event_id = $6',
  event: 'INSERT INTO history (namespace, workflow_id, run_id, event_id, event) VALUES ($1, $2, $3, $4, $5)',
  task: `INSERT INTO tasks (namespace, workflow_id, run_id, task_id, visible_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (namespace, workflow_id, run_id, task_id) DO UPDATE SET visible_at = excluded.visible_at`,
  timer: 'DELETE FROM timers WHERE namespace = $1 AND workflow_id = $2 AND run_id = $3 AND timer_id = $4',
  updateSet: `UPDATE workflows w SET next_event_id = u.next, state = u.state
              FROM unnest($1::text[], $2::int[], $3::text[], $4::int[]) AS u(wf, next, state, expected)
              WHERE w.namespace = 'ns' AND w.workflow_id = u.wf AND w.run_id = 'r' AND w.next_event_id = u.expected`,
  eventSet: `INSERT INTO history (namespace, workflow_id, run_id, event_id, event)
             SELECT 'ns', wf, 'r', id, ev FROM unnest($1::text[], $2::int[], $3::text[]) AS e(wf, id, ev)`,
  taskSet: `INSERT INTO tasks (namespace, workflow_id, run_id, task_id, visible_at)
            SELECT 'ns', wf, 'r', 'wft', at FROM unnest($1::text[], $2::float8[]) AS t(wf, at)
            ON CONFLICT (namespace, workflow_id, run_id, task_id) DO UPDATE SET visible_at = excluded.visible_at`,
  timerSet: `DELETE FROM timers WHERE namespace = 'ns' AND run_id = 'r' AND timer_id = 't' AND workflow_id = ANY($1::text[])`,
  read: "SELECT * FROM workflows WHERE namespace = 'ns' AND workflow_id = $1 AND run_id = 'r'",
};

/** Parameters of one run's update: version v → v + 2 (two events). */
function runParams(run: number, v: number) {
  const wf = `wf-${run}`;
  return { wf, update: [v + 2, STATE, 'ns', wf, 'r', v], events: [v, v + 1].map((id) => ['ns', wf, 'r', id, EVENT]), task: ['ns', wf, 'r', 'wft', Date.now()], timer: ['ns', wf, 'r', 't'] };
}
function setParams(runs: number[], v: number) {
  const wfs = runs.map((r) => `wf-${r}`);
  return {
    update: [wfs, wfs.map(() => v + 2), wfs.map(() => STATE), wfs.map(() => v)],
    events: [wfs.flatMap((w) => [w, w]), wfs.flatMap(() => [v, v + 1]), wfs.flatMap(() => [EVENT, EVENT])],
    tasks: [wfs, wfs.map(() => Date.now())],
    timers: [wfs],
  };
}

function pgDriver(): Driver {
  const pool = new pg.Pool({ connectionString: URL_, max: 4, options: `-c search_path=${SCHEMA}` });
  return {
    name: 'pg',
    async perStatement(runs, v) {
      const c = await pool.connect();
      try {
        await c.query('BEGIN');
        const all: Promise<unknown>[] = [];
        for (const r of runs) {
          const p = runParams(r, v);
          all.push(c.query(Q.update, p.update), ...p.events.map((e) => c.query(Q.event, e)), c.query(Q.task, p.task), c.query(Q.timer, p.timer));
        }
        await Promise.all(all);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    },
    async setBased(runs, v) {
      const c = await pool.connect();
      try {
        const p = setParams(runs, v);
        await c.query('BEGIN');
        await Promise.all([c.query(Q.updateSet, p.update), c.query(Q.eventSet, p.events), c.query(Q.taskSet, p.tasks), c.query(Q.timerSet, p.timers)]);
        await c.query('COMMIT');
      } finally {
        c.release();
      }
    },
    async read(run) {
      await pool.query(Q.read, [`wf-${run}`]);
    },
    end: () => pool.end(),
  };
}

function postgresDriver(): Driver {
  const sql = postgres(URL_, { max: 4, connection: { search_path: SCHEMA }, onnotice: () => undefined });
  return {
    name: 'postgres',
    async perStatement(runs, v) {
      await sql.begin((tx) => {
        const all: Promise<unknown>[] = [];
        for (const r of runs) {
          const p = runParams(r, v);
          all.push(tx.unsafe(Q.update, p.update), ...p.events.map((e) => tx.unsafe(Q.event, e)), tx.unsafe(Q.task, p.task), tx.unsafe(Q.timer, p.timer));
        }
        return Promise.all(all);
      });
    },
    async setBased(runs, v) {
      const p = setParams(runs, v);
      await sql.begin((tx) => Promise.all([tx.unsafe(Q.updateSet, p.update), tx.unsafe(Q.eventSet, p.events), tx.unsafe(Q.taskSet, p.tasks), tx.unsafe(Q.timerSet, p.timers)]));
    },
    async read(run) {
      await sql.unsafe(Q.read, [`wf-${run}`], { prepare: true });
    },
    end: () => sql.end(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function time(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: URL_ });
  await admin.connect();
  await admin.query(DDL);
  try {
    const drivers = [pgDriver(), postgresDriver()];
    const sizes = [1, 10, 100, 500];
    const maxRuns = 1000;
    await admin.query(`INSERT INTO workflows SELECT 'ns', 'wf-' || i, 'r', 1, 'x' FROM generate_series(0, ${maxRuns * 2 * drivers.length}) i`);
    // Each driver writes its own runs; versions advance by 2 per round.
    const results = new Map<string, number[]>();
    const record = (k: string, ms: number) => results.set(k, [...(results.get(k) ?? []), ms]);
    const version = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const [di, d] of drivers.entries()) {
        for (const n of sizes) {
          for (const shape of ['perStatement', 'setBased'] as const) {
            const base = di * maxRuns * 2 + (shape === 'setBased' ? maxRuns : 0);
            const runs = Array.from({ length: n }, (_, i) => base + i);
            const vk = `${d.name}/${shape}`;
            const v = version.get(`${vk}/${n}`) ?? 1;
            // Each size uses its own version line: runs of a smaller size are a prefix of a larger one's.
            await admin.query(`UPDATE workflows SET next_event_id = ${v} WHERE workflow_id = ANY($1::text[])`, [runs.map((r) => `wf-${r}`)]);
            await admin.query('DELETE FROM history WHERE workflow_id = ANY($1::text[])', [runs.map((r) => `wf-${r}`)]);
            record(`${vk} N=${n}`, await time(() => d[shape](runs, v)));
            version.set(`${vk}/${n}`, v + 2);
          }
        }
        const reads = Array.from({ length: 200 }, (_, i) => i);
        record(`${d.name} 200 point reads, one at a time`, await time(async () => {
          for (const r of reads) await d.read(di * maxRuns * 2 + r);
        }));
        record(`${d.name} 200 point reads, concurrent`, await time(() => Promise.all(reads.map((r) => d.read(di * maxRuns * 2 + r))).then(() => undefined)));
      }
    }
    for (const [k, xs] of results) console.log(`${k.padEnd(44)} median ${median(xs).toFixed(2)} ms`);
    await Promise.all(drivers.map((d) => d.end()));
  } finally {
    await admin.query(`DROP SCHEMA ${SCHEMA} CASCADE`);
    await admin.end();
  }
}

void main();
