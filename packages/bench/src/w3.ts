// W3: timers — 5,000 workflows each sleep('2s'), then report how late they woke.
import type { Client } from '@endure/client';
import { log, clientFor, distribution, pool, round, target, withEnv, TASK_QUEUE, type ScenarioResult } from './harness.js';
import { sleeper } from './workflows/sleeper.js';

const WORKFLOWS = 5000;
const WARMUP = 50;
const SLEEP_MS = 2000;
/** Starts in flight at once while launching (starts are group-committed, so this is a burst). */
const START_CONCURRENCY = 500;
/** Workflows of the whole scenario, warm-up included (each one timer): what database counters cover. */
export const W3_ALL_WORKFLOWS = WARMUP + WORKFLOWS;
export const W3_TUNING = { maxCachedWorkflows: 10_000, maxConcurrentWorkflowTaskExecutions: 40 };

export interface W3Variant {
  /** Log and id prefix: 'w3' or 'cluster-w3'. */
  label: string;
  /** What runs where, prepended to the description. */
  setup?: string;
  targetP99Ms: number;
  /** Starts measuring extra costs (e.g. CPU per process) with the measured starts; its stop() is reported. */
  meter?: () => () => Record<string, number>;
}

/**
 * The W3 measurement on a client whose worker already runs `sleeper`; shared by embedded and
 * cluster mode (several clients: the workflows take them in turn).
 */
export async function measureW3(clients: Client | readonly Client[], v: W3Variant): Promise<ScenarioResult> {
  log(`${v.label}: warm-up, ${WARMUP} workflows with a 10 ms sleep`);
  await pool(WARMUP, WARMUP, async (i) => {
    await (await clientFor(clients, i).workflow.start(sleeper, { taskQueue: TASK_QUEUE, workflowId: `w3-warmup-${i}`, args: [10] })).result();
  });
  log(`${v.label}: starting ${WORKFLOWS} workflows that sleep ${SLEEP_MS} ms`);
  const stopMeter = v.meter?.();
  const inside: number[] = [];
  const outside: number[] = [];
  const outsideFromAck: number[] = [];
  const results: Promise<void>[] = [];
  const t0 = Date.now();
  await pool(WORKFLOWS, START_CONCURRENCY, async (i) => {
    const startCall = Date.now();
    const handle = await clientFor(clients, i).workflow.start(sleeper, { taskQueue: TASK_QUEUE, workflowId: `w3-${i}`, args: [SLEEP_MS] });
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
  log(`${v.label}: all started in ${round(startsSecs)} s; waiting for results`);
  await Promise.all(results);
  const totalSecs = (Date.now() - t0) / 1000;
  const extra = stopMeter?.();
  const inWf = distribution(inside);
  log(`${v.label}: done in ${round(totalSecs)} s; in-workflow lateness p50 ${inWf.p50} ms, p99 ${inWf.p99} ms`);
  return {
    description: `${v.setup ?? ''}${WORKFLOWS} workflows each sleep ${SLEEP_MS} ms then return their lateness`,
    settings: { workflows: WORKFLOWS, sleepMs: SLEEP_MS, startConcurrency: START_CONCURRENCY, worker: W3_TUNING },
    results: {
      secondsToStartAll: round(startsSecs, 3),
      secondsUntilAllDone: round(totalSecs, 3),
      latenessInWorkflowMs: inWf,
      outsideLatenessFromStartCallMs: distribution(outside),
      outsideLatenessFromStartAckMs: distribution(outsideFromAck),
      ...(extra ? { cpuSecondsStartToAllDone: extra } : {}),
    },
    targets: [target('in-workflow wake lateness p99', '<=', v.targetP99Ms, inWf.p99, 'ms')],
    notes: [
      'latenessInWorkflowMs: the workflow\'s own Date.now() after sleep − Date.now() before − 2000. Date.now() in a workflow is the activation time, so this spans: first task completion commit, timer firing, TimerFired commit/offer, dispatch and activation. It does not include the start queueing before the first activation.',
      'outsideLatenessFromStartCallMs: wall clock when result() resolved − (time client.workflow.start was called + 2000). Includes start commit, first workflow task, timer, wake task, close commit and result long-poll delivery — an upper bound, not timer precision.',
      'outsideLatenessFromStartAckMs: same but from when start() resolved (the start is durable).',
    ],
  };
}

export async function run(): Promise<ScenarioResult> {
  return withEnv('sleeper', W3_TUNING, ({ client }) => measureW3(client, { label: 'w3', targetP99Ms: 20 }));
}
