// The worker process of the server-mode scenarios: the same workflows and activities as the
// embedded ones, connected to an `endure server` over HTTP. Forked by server-env.ts with
//   argv: <server url(s)> <workflows module name> <worker tuning JSON> <server pid(s), comma-separated>
// It sends {ready} once polling, and exits after a 'stop' message once its work is done. If its parent
// goes away without stopping it (the scenario process was killed), it kills the server(s) too and
// exits, so no process outlives the benchmark.
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities.js';
import { TASK_QUEUE, workflowsPath, type WorkerTuning } from './harness.js';

export type WorkerMessage = { ready: true } | { failed: string };

const [url, workflows, tuningJson, serverPids] = process.argv.slice(2);
if (!url || !workflows || !tuningJson || !process.send) {
  process.stderr.write('server-worker: run by server-env.ts (fork with IPC): <url(s)> <workflows> <tuning JSON> <server pid(s)>\n');
  process.exit(2);
}
const send = (m: WorkerMessage) => process.send?.(m);

/** Set before we close the IPC channel ourselves, which also emits 'disconnect'. */
let leaving = false;
process.on('disconnect', () => {
  if (leaving) return;
  // The scenario process died without stopping us: take the server(s) down with us.
  for (const pid of (serverPids ?? '').split(',').filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // already gone
    }
  }
  process.exit(1);
});

try {
  const connection = await NativeConnection.connect({ address: url });
  const worker = await Worker.create({
    connection,
    taskQueue: TASK_QUEUE,
    workflowsPath: workflowsPath(workflows),
    activities,
    ...(JSON.parse(tuningJson) as WorkerTuning),
  });
  const running = worker.run();
  process.on('message', (m) => {
    if (m === 'stop') worker.shutdown();
  });
  send({ ready: true });
  await running;
  await connection.close();
} catch (err) {
  send({ failed: (err as Error)?.stack ?? String(err) });
  process.exitCode = 1;
}
leaving = true;
process.disconnect();
