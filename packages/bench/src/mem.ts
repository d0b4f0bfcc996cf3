// Memory per cached workflow: 10,000 idle workflows (sleep 1 hour) held in the worker's sticky cache.
import { fullGc, log, pool, round, target, waitUntil, withEnv, TASK_QUEUE, type ScenarioResult } from './harness.js';
import { waiter } from './workflows/waiter.js';

const WORKFLOWS = 10_000;
const WARMUP = 200;

interface Snapshot {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

async function snapshot(): Promise<Snapshot> {
  await fullGc();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}

const kbPer = (bytes: number) => round(bytes / 1024 / WORKFLOWS, 2);
const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: WORKFLOWS, maxConcurrentWorkflowTaskExecutions: 40 };
  return withEnv('waiter', tuning, async ({ client, worker }) => {
    log(`mem: warm-up, ${WARMUP} workflows that finish (not left in the cache)`);
    await pool(WARMUP, 100, async (i) => {
      await (await client.workflow.start(waiter, { taskQueue: TASK_QUEUE, workflowId: `mem-warmup-${i}`, args: [1] })).result();
    });
    await waitUntil(() => worker.cachedWorkflows === 0, 'the warm-up workflows to leave the cache', 10_000);
    const before = await snapshot();
    log(`mem: before: rss ${mb(before.rss)} MB, heapUsed ${mb(before.heapUsed)} MB; starting ${WORKFLOWS} workflows`);
    const t0 = Date.now();
    await pool(WORKFLOWS, 500, async (i) => {
      await client.workflow.start(waiter, { taskQueue: TASK_QUEUE, workflowId: `mem-${i}`, args: [3_600_000] });
    });
    await waitUntil(() => worker.cachedWorkflows >= WORKFLOWS, `${WORKFLOWS} cached workflows`, 120_000);
    const fillSecs = (Date.now() - t0) / 1000;
    const after = await snapshot();
    log(`mem: after: rss ${mb(after.rss)} MB, heapUsed ${mb(after.heapUsed)} MB (${worker.cachedWorkflows} cached, ${round(fillSecs)} s)`);
    // Worker shutdown empties its sticky cache but leaves the engine's in-memory runs: the heap
    // that goes away then is (roughly) the worker's share.
    worker.shutdown();
    await waitUntil(() => worker.getState() === 'STOPPED' || worker.getState() === 'FAILED', 'worker shutdown', 30_000);
    const workerGone = await snapshot();
    const rssKb = kbPer(after.rss - before.rss);
    const heapKb = kbPer(after.heapUsed - before.heapUsed);
    return {
      description: `${WORKFLOWS} workflows each waiting in sleep('1 hour'), all in the worker's sticky cache (maxCachedWorkflows ${WORKFLOWS}); whole-process memory after full GC`,
      settings: { workflows: WORKFLOWS, warmupWorkflows: WARMUP, worker: tuning },
      results: {
        cachedWorkflows: WORKFLOWS,
        secondsToFill: round(fillSecs, 3),
        rssMB: { before: mb(before.rss), after: mb(after.rss), afterWorkerShutdown: mb(workerGone.rss) },
        heapUsedMB: { before: mb(before.heapUsed), after: mb(after.heapUsed), afterWorkerShutdown: mb(workerGone.heapUsed) },
        rssKBPerWorkflow: rssKb,
        mainThreadHeapUsedKBPerWorkflow: heapKb,
        externalKBPerWorkflow: kbPer(after.external - before.external),
        approxEngineHeapKBPerWorkflow: kbPer(workerGone.heapUsed - before.heapUsed),
      },
      targets: [target('RSS per cached workflow', '<=', 50, rssKb, 'KB')],
      notes: [
        'Deltas are for the whole process (embedded mode): worker sticky cache + engine in-memory runs + SQLite page cache, after full GC (--expose-gc).',
        'Workflow code and the sticky cache live on the worker\'s workflow thread, whose heap process.memoryUsage().heapUsed does not see: RSS is the figure that counts everything (and is conservative, since only the main thread is GC-ed before measuring).',
        'mainThreadHeapUsedKBPerWorkflow / approxEngineHeapKBPerWorkflow: the engine\'s in-memory runs (it keeps open runs in memory, maxCachedRuns 20,000).',
      ],
    };
  });
}
