// A worker process for the cluster chaos test: the cluster workflows and their activity, on the
// node list it is given (each worker gets the list in another order, so they favour different
// nodes). Prints `ready` once polling; runs until SIGTERM.
//   node cluster-worker-app.js <address list> <task queue>
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, workflowsPath } from './harness.js';

async function main(address: string, taskQueue: string): Promise<void> {
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: workflowsPath('cluster'),
    activities: {
      async double(n: number): Promise<number> {
        return 2 * n;
      },
    },
    logger: memoryLogger(),
    maxConcurrentWorkflowTaskExecutions: 50,
    maxConcurrentActivityTaskExecutions: 50,
  });
  const running = worker.run();
  process.stdout.write('ready\n');
  process.once('SIGTERM', () => worker.shutdown());
  await running;
  await connection.close();
}

const [address, taskQueue] = process.argv.slice(2);
if (!address || !taskQueue) throw new Error('usage: cluster-worker-app <address list> <task queue>');
void main(address, taskQueue);
