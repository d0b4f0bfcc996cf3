// The plumbing every runner process shares (src/crash-worker.ts, src/messages/child.ts,
// src/children/runner.ts): its command line, the stdout protocol it speaks to the test, the
// worker and the client on the embedded engine, starting the workflows, and how it ends.
//
//   node <runner>.js --db <file> --log <file> [--start] [--final]
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker, type WorkerOptions } from '@endure/worker';
import { appendLogLine, type LaunchLine, type WorkflowStartLine } from './log-lines.js';

export interface RunnerArgs {
  dbPath: string;
  logPath: string;
  /** This launch also starts the workflows (the first launch only). */
  start: boolean;
  /** This launch finishes everything, reports and exits cleanly (instead of waiting to be killed). */
  final: boolean;
  /** The embedded engine on `dbPath`. */
  address: string;
}

/**
 * Reads the command line and logs this launch, first thing: the test checks that the launches
 * never overlapped. `runnerName` names the process in the error about a missing value.
 */
export function beginLaunch(runnerName: string): RunnerArgs {
  const value = (name: string): string => {
    const i = process.argv.indexOf(name);
    const v = i >= 0 ? process.argv[i + 1] : undefined;
    if (!v) throw new Error(`${runnerName}: missing ${name} <value>`);
    return v;
  };
  const dbPath = value('--db');
  const logPath = value('--log');
  const start = process.argv.includes('--start');
  const final = process.argv.includes('--final');
  const launch: LaunchLine = { kind: 'launch', pid: process.pid, time: Date.now(), start, final };
  appendLogLine(logPath, launch);
  return { dbPath, logPath, start, final, address: `sqlite:${dbPath}` };
}

/** Sends one message to the test. */
export type Emit = (msg: Record<string, unknown>) => void;

/** Messages go to stdout as `<prefix><json>` lines; the test reads those and keeps the rest for diagnostics. */
export function protocolEmitter(prefix: string): Emit {
  return (msg) => {
    process.stdout.write(`${prefix}${JSON.stringify(msg)}\n`);
  };
}

export function describeError(err: unknown): string {
  return (err as Error)?.stack ?? String(err);
}

export interface RunningWorker {
  nativeConnection: NativeConnection;
  worker: Worker;
  /** Settles once the worker has stopped (never, until the process is killed, unless it fails). */
  running: Promise<void>;
}

/** A worker polling the embedded engine; if it fails, the test hears of it and the process exits. */
export async function startWorker(address: string, options: Omit<WorkerOptions, 'connection'>, emit: Emit): Promise<RunningWorker> {
  const nativeConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: nativeConnection, ...options });
  const running = worker.run();
  running.catch((err: unknown) => {
    emit({ type: 'error', message: `worker failed: ${describeError(err)}` });
    process.exit(1);
  });
  return { nativeConnection, worker, running };
}

export async function connectClient(address: string): Promise<{ connection: Connection; client: Client }> {
  const connection = await Connection.connect({ address });
  return { connection, client: new Client({ connection }) };
}

/**
 * Starts every workflow at once and logs each start the engine acknowledged (so the test knows
 * which starts count: an unacknowledged one is not a lost workflow); then tells the test 'started'.
 */
export async function startWorkflows(
  client: Client,
  logPath: string,
  taskQueue: string,
  starts: readonly { workflowType: string; workflowId: string; args: unknown[] }[],
  emit: Emit,
): Promise<void> {
  await Promise.all(
    starts.map(async (s) => {
      const handle = await client.workflow.start(s.workflowType, { taskQueue, workflowId: s.workflowId, args: s.args });
      const line: WorkflowStartLine = { kind: 'wf-start', workflowId: s.workflowId, runId: handle.firstExecutionRunId ?? '', pid: process.pid, time: Date.now() };
      appendLogLine(logPath, line);
    }),
  );
  emit({ type: 'started' });
}

/** The clean end of a final launch: the worker stops, both connections close, the test hears 'closed'. */
export async function shutDown({ worker, running, nativeConnection }: RunningWorker, connection: Connection, emit: Emit): Promise<void> {
  worker.shutdown();
  await running;
  await connection.close();
  await nativeConnection.close();
  emit({ type: 'closed' });
}

/** Runs the process's `main`: exit 0 once it returns; on an error, tell the test and exit 1. */
export function runMain(main: () => Promise<void>, emit: Emit): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      emit({ type: 'error', message: describeError(err) });
      process.exit(1);
    },
  );
}
