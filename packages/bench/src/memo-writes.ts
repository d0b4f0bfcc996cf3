// Write amplification by memo size (issue 10): the bytes the process writes to disk per
// workflow step, for the same 3-activity workflow with a memo of 0 bytes, 10 KB and 1 MB.
//
// What is counted: the growth of `wchar` in /proc/self/io, i.e. every byte any thread of this
// process hands to write(2)/pwrite(2): SQLite's WAL appends and its checkpoints (the copy of WAL
// pages into the database file) on the store thread, and nothing else worth counting (a few
// 8-byte libuv wake-ups; progress is logged outside the measured windows). It counts what is
// asked of the kernel rather than what reaches the device, so it does not depend on the file
// system's caching.
//
// Each memo size gets a fresh database, used in two windows:
// - start: N workflows are started while no worker runs, then the engine is closed. Starting a
//   run writes its memo (in the start event, and in the run's own record of it), so this grows
//   with the memo by design; it is reported per workflow.
// - steps: the engine is reopened with a worker, which runs the N workflows to completion, and
//   closed again. Closing the last connection checkpoints the WAL, so each window pays for its own
//   pages reaching the database file. A step is one write of a run: a workflow task completed or
//   an activity completed (4 + 3 per workflow, counted from the histories). Bytes per step must
//   not grow with the memo: a step that does not change the memo must not rewrite it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities.js';
import { TASK_QUEUE, log, round, target, workflowsPath, type ScenarioResult } from './harness.js';
import { sequential } from './workflows/sequential.js';

const WORKFLOWS = 20;
const ACTIVITIES = 3;
const MEMO_SIZES: Record<string, number> = { '0 B': 0, '10 KB': 10 * 1024, '1 MB': 1024 * 1024 };
/**
 * How much more a step may write with the 1 MB memo than with none: one 4 KiB page. The memo
 * itself is never rewritten; what may differ is where the run's rows fall in the B-trees.
 */
const ALLOWANCE_BYTES = 4096;

/** Bytes this process has passed to write(2) and friends so far. */
function bytesWritten(): number {
  const m = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  if (!m) throw new Error('/proc/self/io has no wchar line: this scenario needs Linux');
  return Number(m[1]);
}

interface SizeResult {
  memoBytes: number;
  steps: number;
  startBytesPerWorkflow: number;
  bytesPerStep: number;
}

async function measure(label: string, memoBytes: number): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'endure-bench-memo-'));
  const address = `sqlite:${join(dir, 'bench.db')}`;
  const memo = memoBytes > 0 ? { blob: 'x'.repeat(memoBytes) } : undefined;
  const ids = Array.from({ length: WORKFLOWS }, (_, i) => `memo-${i}`);
  try {
    // Window 1: the starts.
    const starter = await Connection.connect({ address });
    const b0 = bytesWritten();
    const client = new Client({ connection: starter });
    for (const workflowId of ids) await client.workflow.start(sequential, { taskQueue: TASK_QUEUE, workflowId, args: [ACTIVITIES], memo });
    await starter.close();
    const startBytes = bytesWritten() - b0;

    // Window 2: the steps, from the worker's first poll to the engine's close.
    const workerConnection = await NativeConnection.connect({ address });
    const connection = await Connection.connect({ address });
    const worker = await Worker.create({ connection: workerConnection, taskQueue: TASK_QUEUE, workflowsPath: workflowsPath('sequential'), activities });
    const b1 = bytesWritten();
    const running = worker.run();
    const reader = new Client({ connection });
    let steps = 0;
    for (const id of ids) {
      const h = reader.workflow.getHandle(id);
      if ((await h.result()) !== ACTIVITIES) throw new Error(`workflow ${id} returned a wrong result`);
      const { events } = await h.fetchHistory();
      steps += events.filter((e) => e.type === 'WorkflowTaskCompleted' || e.type === 'ActivityTaskCompleted').length;
    }
    worker.shutdown();
    await running;
    await workerConnection.close();
    await connection.close();
    const stepBytes = bytesWritten() - b1;
    const r = { memoBytes, steps, startBytesPerWorkflow: Math.round(startBytes / WORKFLOWS), bytesPerStep: Math.round(stepBytes / steps) };
    log(`memo-writes: memo ${label}: ${r.startBytesPerWorkflow} bytes per start, ${r.bytesPerStep} bytes per step (${steps} steps)`);
    return r;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<ScenarioResult> {
  const bySize: Record<string, SizeResult> = {};
  for (const [label, size] of Object.entries(MEMO_SIZES)) bySize[label] = await measure(label, size);
  const none = bySize['0 B']!;
  const big = bySize['1 MB']!;
  return {
    description: `${WORKFLOWS} workflows × ${ACTIVITIES} sequential no-op activities per memo size (0 B, 10 KB, 1 MB), each size on a fresh database; bytes the process writes (wchar of /proc/self/io: WAL appends and checkpoints), for the starts (no worker running) and then for the steps (worker runs them to completion; step = a workflow task or activity completed), each window ending with the engine closed (WAL checkpointed)`,
    settings: { workflows: WORKFLOWS, activitiesPerWorkflow: ACTIVITIES, memoBytes: Object.fromEntries(Object.entries(MEMO_SIZES)), allowanceBytes: ALLOWANCE_BYTES },
    results: {
      bySize,
      stepBytesGrowthFrom0To1MB: big.bytesPerStep - none.bytesPerStep,
      stepBytesRatio1MBTo0: round(big.bytesPerStep / none.bytesPerStep),
    },
    targets: [target(`bytes per step with a 1 MB memo (≤ with no memo, ${none.bytesPerStep}, + ${ALLOWANCE_BYTES})`, '<=', none.bytesPerStep + ALLOWANCE_BYTES, big.bytesPerStep, 'bytes')],
  };
}
