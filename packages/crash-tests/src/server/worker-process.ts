// A worker process of the server crash tests: `node worker-process.js <address> <taskQueue>`.
// Prints "ready" once polling; runs until killed (or SIGTERM).
import { fileURLToPath } from 'node:url';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@endure/worker';
import { serverLoadActivities } from './activities.js';

const [address, taskQueue] = process.argv.slice(2);
if (!address || !taskQueue) {
  console.error('usage: worker-process.js <address> <taskQueue>');
  process.exit(2);
}
Runtime.install({ logger: new DefaultLogger('ERROR') });
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue,
  workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
  activities: serverLoadActivities,
  shutdownGraceTime: 500,
});
process.once('SIGTERM', () => worker.shutdown());
const running = worker.run();
console.log('ready');
await running;
await connection.close();
