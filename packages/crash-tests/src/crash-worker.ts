// Fixture for test/crash.test.ts: one worker process on an embedded (sqlite:) engine.
//
//   node crash-worker.js --db <file> --log <file> [--start] [--final]
//
// --start  also starts the WORKFLOW_COUNT workflows (the first launch only).
// --final  waits for every workflow's result, prints them and exits cleanly.
// Otherwise it works until it is killed. Progress goes to stdout as `@@crash <json>` lines:
// {type:'ready'} once the worker polls, {type:'started'} once every start is acknowledged,
// {type:'results', results} (with --final).
import { fileURLToPath } from 'node:url';
import { createActivities } from './activities.js';
import { beginLaunch, connectClient, describeError, protocolEmitter, runMain, shutDown, startWorker, startWorkflows } from './common/runner.js';
import { crashWorkflow } from './workflows.js';
import { PROTOCOL_PREFIX, TASK_QUEUE, WORKFLOW_COUNT, workflowId } from './shared.js';

const emit = protocolEmitter(PROTOCOL_PREFIX);

export type Outcome = { workflowId: string; ok: true; result: unknown } | { workflowId: string; ok: false; error: string };

async function main(): Promise<void> {
  const args = beginLaunch('crash-worker');
  const { final } = args;
  const worker = await startWorker(
    args.address,
    {
      taskQueue: TASK_QUEUE,
      workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
      activities: createActivities(args.logPath),
      // Few slots while being killed, so the 50 workflows queue up: the work outlasts all the
      // kills (at most 6 x 1.5 s) and every kill finds activities running. The final run may hurry.
      maxConcurrentActivityTaskExecutions: final ? 10 : 2,
    },
    emit,
  );
  emit({ type: 'ready', pid: process.pid });

  const { connection, client } = await connectClient(args.address);
  if (args.start) {
    const starts = Array.from({ length: WORKFLOW_COUNT }, (_, n) => ({ workflowType: crashWorkflow.name, workflowId: workflowId(n), args: [n] }));
    await startWorkflows(client, args.logPath, TASK_QUEUE, starts, emit);
  }
  if (!final) {
    await worker.running; // until killed
    return;
  }
  const results: Outcome[] = await Promise.all(
    Array.from({ length: WORKFLOW_COUNT }, async (_, n): Promise<Outcome> => {
      const id = workflowId(n);
      try {
        return { workflowId: id, ok: true, result: await client.workflow.getHandle<string>(id).result() };
      } catch (err) {
        return { workflowId: id, ok: false, error: describeError(err) };
      }
    }),
  );
  emit({ type: 'results', results });
  await shutDown(worker, connection, emit);
}

runMain(main, emit);
