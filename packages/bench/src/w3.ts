// W3: timers — 5,000 workflows each sleep('2s'), then report how late they woke.
import { log, distribution, pool, round, target, withEnv, TASK_QUEUE, type ScenarioResult } from './harness.js';
import { sleeper } from './workflows/sleeper.js';

const WORKFLOWS = 5000;
const SLEEP_MS = 2000;
/** Starts in flight at once while launching (starts are group-committed, so this is a burst). */
const START_CONCURRENCY = 500;

export async function run(): Promise<ScenarioResult> {
  const tuning = { maxCachedWorkflows: 10_000, maxConcurrentWorkflowTaskExecutions: 40 };
  return withEnv('sleeper', tuning, async ({ client }) => {
    log('w3: warm-up, 50 workflows with a 10 ms sleep');
    await pool(50, 50, async (i) => {
      await (await client.workflow.start(sleeper, { taskQueue: TASK_QUEUE, workflowId: `w3-warmup-${i}`, args: [10] })).result();
    });
    log(`w3: starting ${WORKFLOWS} workflows that sleep ${SLEEP_MS} ms`);
    const inside: number[] = [];
    const outside: number[] = [];
    const outsideFromAck: number[] = [];
    const results: Promise<void>[] = [];
    const t0 = Date.now();
    await pool(WORKFLOWS, START_CONCURRENCY, async (i) => {
      const startCall = Date.now();
      const handle = await client.workflow.start(sleeper, { taskQueue: TASK_QUEUE, workflowId: `w3-${i}`, args: [SLEEP_MS] });
      const acked = Date.now();
      results.push(
        handle.result().then((lateness) => {
          const arrived = Date.now();
          inside.push(lateness);
          outside.push(arrived - (startCall + SLEEP_MS));
          outsideFromAck.push(arrived - (acked + SLEEP_MS));
        }),
      );
    });
    const startsSecs = (Date.now() - t0) / 1000;
    log(`w3: all started in ${round(startsSecs)} s; waiting for results`);
    await Promise.all(results);
    const totalSecs = (Date.now() - t0) / 1000;
    const inWf = distribution(inside);
    log(`w3: done in ${round(totalSecs)} s; in-workflow lateness p50 ${inWf.p50} ms, p99 ${inWf.p99} ms`);
    return {
      description: `${WORKFLOWS} workflows each sleep ${SLEEP_MS} ms then return their lateness`,
      settings: { workflows: WORKFLOWS, sleepMs: SLEEP_MS, startConcurrency: START_CONCURRENCY, worker: tuning },
      results: {
        secondsToStartAll: round(startsSecs, 3),
        secondsUntilAllDone: round(totalSecs, 3),
        latenessInWorkflowMs: inWf,
        outsideLatenessFromStartCallMs: distribution(outside),
        outsideLatenessFromStartAckMs: distribution(outsideFromAck),
      },
      targets: [target('in-workflow wake lateness p99', '<=', 20, inWf.p99, 'ms')],
      notes: [
        'latenessInWorkflowMs: the workflow\'s own Date.now() after sleep − Date.now() before − 2000. Date.now() in a workflow is the activation time, so this spans: first task completion commit, timer firing, TimerFired commit/offer, dispatch and activation. It does not include the start queueing before the first activation.',
        'outsideLatenessFromStartCallMs: wall clock when result() resolved − (time client.workflow.start was called + 2000). Includes start commit, first workflow task, timer, wake task, close commit and result long-poll delivery — an upper bound, not timer precision.',
        'outsideLatenessFromStartAckMs: same but from when start() resolved (the start is durable).',
      ],
    };
  });
}
