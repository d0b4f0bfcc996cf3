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
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { appendLine, createActivities } from './activities.js';
import { crashWorkflow } from './workflows.js';
import { PROTOCOL_PREFIX, TASK_QUEUE, WORKFLOW_COUNT, workflowId } from './shared.js';

function arg(name: string): string {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? process.argv[i + 1] : undefined;
  if (!v) throw new Error(`crash-worker: missing ${name} <value>`);
  return v;
}

function emit(msg: Record<string, unknown>): void {
  process.stdout.write(`${PROTOCOL_PREFIX}${JSON.stringify(msg)}\n`);
}

export type Outcome = { workflowId: string; ok: true; result: unknown } | { workflowId: string; ok: false; error: string };

async function main(): Promise<void> {
  const dbPath = arg('--db');
  const logPath = arg('--log');
  const start = process.argv.includes('--start');
  const final = process.argv.includes('--final');
  const address = `sqlite:${dbPath}`;
  appendLine(logPath, { kind: 'launch', pid: process.pid, time: Date.now(), start, final });

  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection: nativeConnection,
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
    activities: createActivities(logPath),
    // Few slots while being killed, so the 50 workflows queue up: the work outlasts all the
    // kills (at most 6 x 1.5 s) and every kill finds activities running. The final run may hurry.
    maxConcurrentActivityTaskExecutions: final ? 10 : 2,
  });
  const running = worker.run();
  running.catch((err: unknown) => {
    emit({ type: 'error', message: `worker failed: ${(err as Error)?.stack ?? String(err)}` });
    process.exit(1);
  });
  emit({ type: 'ready', pid: process.pid });

  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  if (start) {
    await Promise.all(
      Array.from({ length: WORKFLOW_COUNT }, async (_, n) => {
        const handle = await client.workflow.start(crashWorkflow, { taskQueue: TASK_QUEUE, workflowId: workflowId(n), args: [n] });
        appendLine(logPath, { kind: 'wf-start', workflowId: handle.workflowId, runId: handle.runId ?? '', pid: process.pid, time: Date.now() });
      }),
    );
    emit({ type: 'started' });
  }
  if (!final) {
    await running; // until killed
    return;
  }
  const results: Outcome[] = await Promise.all(
    Array.from({ length: WORKFLOW_COUNT }, async (_, n): Promise<Outcome> => {
      const id = workflowId(n);
      try {
        return { workflowId: id, ok: true, result: await client.workflow.getHandle<string>(id).result() };
      } catch (err) {
        return { workflowId: id, ok: false, error: (err as Error)?.stack ?? String(err) };
      }
    }),
  );
  emit({ type: 'results', results });
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
  emit({ type: 'closed' });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    emit({ type: 'error', message: (err as Error)?.stack ?? String(err) });
    process.exit(1);
  },
);
