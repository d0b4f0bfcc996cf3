// One process of an app on a SQLite file, for db-migrate.test.ts.
//   node migration-app.js before <db>   starts the workflows, prints `ready <json>` once each is
//                                       where the test wants it, then runs until SIGTERM (a
//                                       graceful stop) or SIGKILL;
//   node migration-app.js after <db> <token>   runs a worker on the migrated copy, signals the
//                                       waiting runs, completes the async activity with the token
//                                       handed out before the move, and prints `done <json>`.
import { ApplicationFailure, CompleteAsyncError, activityInfo, sleep } from '@endure/activity';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, workflowsPath } from './harness.js';
import { isPostgresAddress } from '@endure/protocol';

const [mode, db, token] = process.argv.slice(2);
// A file path is a SQLite database; a postgres:// address is taken as it is.
const address = isPostgresAddress(db ?? '') ? db! : `sqlite:${db}`;
const taskQueue = 'migration';
const before = mode === 'before';
const print = (line: string) => process.stdout.write(`${line}\n`);

let hangStarted!: () => void;
const hanging = new Promise<void>((r) => (hangStarted = r));
let approvalToken!: (t: string) => void;
const tokenOf = new Promise<string>((r) => (approvalToken = r));

const activities = {
  /** Still running when the first process stops; the retry after the move finishes. */
  async hang(): Promise<string> {
    if (!before) return 'ran after the move';
    hangStarted();
    await sleep('1h'); // ends early only when cancelled (a graceful shutdown)
    return 'never';
  },
  /** Fails (and waits out a back-off) until the move. */
  async flaky(): Promise<string> {
    if (before) throw ApplicationFailure.retryable('not before the move');
    return 'succeeded after the move';
  },
  /** Completed from outside, by the token of the attempt that started before the move. */
  async approval(): Promise<string> {
    if (before) approvalToken(activityInfo().taskToken);
    throw new CompleteAsyncError();
  },
};

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${what}: not reached within 20 s`);
}

async function main(): Promise<void> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection });
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: workerConnection, taskQueue, workflowsPath: workflowsPath('migration'), activities, logger: memoryLogger() });
  const working = worker.run();
  const stop = async () => {
    worker.shutdown();
    await working;
    await workerConnection.close();
    await connection.close();
  };
  const wf = client.workflow;
  if (before) {
    const completed = await wf.execute('quick', { taskQueue, workflowId: 'completed', args: [21] });
    await wf.start('waiter', { taskQueue, workflowId: 'waiter' });
    await wf.start('parent', { taskQueue, workflowId: 'parent' });
    await wf.start('running', { taskQueue, workflowId: 'running' });
    const retrying = await wf.start('retrying', { taskQueue, workflowId: 'retrying' });
    await wf.start('approved', { taskQueue, workflowId: 'approved' });
    await hanging;
    const approval = await tokenOf;
    await until('the child started', async () => (await wf.getHandle('parent-child').describe()).status.name === 'RUNNING');
    await until('the flaky activity waits for its retry', async () => ((await retrying.describe()).pendingActivities[0]?.attempt ?? 0) >= 2);
    // Last, so its timer is still far off when the process stops.
    const sleeper = await wf.start('sleeper', { taskQueue, workflowId: 'sleeper', args: [8000] });
    await until('the timer started', async () => (await sleeper.fetchHistory()).events.some((e) => e.type === 'TimerStarted'));
    const history = (await wf.getHandle('completed').fetchHistory()).events.length;
    process.once('SIGTERM', () => void stop().then(() => process.exit(0)));
    print(`ready ${JSON.stringify({ completed, history, token: approval })}`);
    return;
  }
  await wf.getHandle('waiter').signal('go', 'hello');
  await wf.getHandle('parent-child').signal('go', 'hi');
  await client.activity.complete(token!, 'approved by token from before the move');
  const ids = ['completed', 'waiter', 'parent', 'running', 'retrying', 'approved', 'sleeper'];
  const results = Object.fromEntries(await Promise.all(ids.map(async (id) => [id, await wf.getHandle(id).result()] as const)));
  const completedHistory = (await wf.getHandle('completed').fetchHistory()).events.map((e) => e.type);
  const sleeperFiredAt = (await wf.getHandle('sleeper').fetchHistory()).events.find((e) => e.type === 'TimerFired')?.eventTime;
  await stop();
  print(`done ${JSON.stringify({ results, completedHistory, sleeperFiredAt })}`);
}

void main().catch((e: unknown) => {
  process.stderr.write(`migration-app ${mode}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
