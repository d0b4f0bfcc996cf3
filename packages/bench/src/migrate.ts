// `endure db migrate`'s copy (copyStore) from one SQLite file to another: runs per second and
// how the time splits between copying and verifying. The source is written with
// bulkLoadWorkflows (createWorkflow's own rows): BENCH_MIGRATE_RUNS runs (default 10,000) of 20
// history events each, a tenth open with a task and a timer, the rest completed.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryEvent } from '@endure/protocol';
import type { CreateWorkflow } from '@endure/storage';
import { copyStore, type CopyProgress } from '@endure/storage/copy';
import { SqliteStore, bulkLoadWorkflows } from '@endure/store-sqlite';
import { log, round, target, type ScenarioResult } from './harness.js';

const RUNS = Number(process.env['BENCH_MIGRATE_RUNS'] ?? 10_000);
const EVENTS = 20;
const T0 = Date.UTC(2025, 0, 1);
const payload = (i: number) => [{ metadata: { encoding: 'json/plain' }, data: JSON.stringify({ step: i, note: 'x'.repeat(150) }) }];

function* runs(): Generator<CreateWorkflow> {
  for (let n = 0; n < RUNS; n++) {
    const k = { namespace: 'default', workflowId: `wf-${n}`, runId: `run-${n}` };
    const open = n % 10 === 0;
    const events: HistoryEvent[] = [
      { eventId: 1, eventTime: T0 + n, type: 'WorkflowExecutionStarted', attributes: { workflowType: 'order', taskQueue: 'q', input: payload(0), firstRunId: k.runId, attempt: 1, randomnessSeed: 's', workflowTaskTimeoutMs: 10_000 } },
    ];
    for (let id = 2; id <= EVENTS; id++) events.push({ eventId: id, eventTime: T0 + n + id, type: 'WorkflowExecutionSignaled', attributes: { signalName: 'step', input: payload(id) } });
    yield {
      record: { ...k, workflowType: 'order', taskQueue: 'q', status: open ? 'RUNNING' : 'COMPLETED', startTime: T0 + n, closeTime: open ? null : T0 + n + 100, nextEventId: EVENTS + 1, state: JSON.stringify({ n, pending: open ? [1] : [] }) },
      events,
      tasks: open ? [{ ...k, taskQueue: 'q', kind: 'activity', taskId: 'activity:20', visibleAt: T0 + n }] : [],
      timers: open ? [{ ...k, timerId: 'timer:1', fireAt: T0 + 86_400_000 + n }] : [],
      expectedCurrentRunId: null,
    };
  }
}

export async function run(): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'endure-bench-migrate-'));
  try {
    const [sourcePath, targetPath] = [join(dir, 'source.db'), join(dir, 'target.db')];
    bulkLoadWorkflows(sourcePath, runs());
    const source = await SqliteStore.open(sourcePath);
    await source.putNamespace({ name: 'default', description: '', retentionMs: 86_400_000, createdTime: T0, searchAttributes: {} });
    const into = await SqliteStore.open(targetPath);
    log(`migrate: ${RUNS} runs loaded; copying`);
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    let verifyFrom = 0; // the last page copied
    const summary = await copyStore(source, into, (p: CopyProgress) => {
      if (p.phase === 'copy') verifyFrom = performance.now();
    });
    const ended = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await source.close();
    await into.close();
    const seconds = (ended - began) / 1000;
    const copySeconds = (verifyFrom - began) / 1000;
    log(`migrate: ${summary.runs} runs in ${round(seconds)} s (copy ${round(copySeconds)} s, verify ${round(seconds - copySeconds)} s)`);
    return {
      description: `copyStore from one SQLite file to another (what endure db migrate runs): ${RUNS} runs × ${EVENTS} events (~250 B each), a tenth open with a task and a timer; the copy (every run by importRun, group-committed) and then the verification (reading the target back)`,
      settings: { runs: RUNS, eventsPerRun: EVENTS, sourceMB: round(statSync(sourcePath).size / 1e6) },
      results: { seconds: round(seconds), copySeconds: round(copySeconds), verifySeconds: round(seconds - copySeconds), runsPerSecond: Math.round(summary.runs / seconds), eventsPerSecond: Math.round(summary.events / seconds), cpuSeconds: round(cpuSeconds), runsPerCpuSecond: Math.round(summary.runs / cpuSeconds) },
      notes: ['cpuSeconds is the CPU time of every thread of the process (the store threads included) during copy and verify: on a shared machine it says more than the wall time.'],
      targets: [target('runs migrated (copied and verified) per CPU second', '>=', 500, summary.runs / cpuSeconds, 'runs/cpu-s')],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
