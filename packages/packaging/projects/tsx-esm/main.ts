// An ESM TypeScript project run with tsx: worker and client on the embedded engine.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities.js';

const address = 'sqlite:./endure.db';
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue: 'orders',
  workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
  activities,
});
const clientConnection = await Connection.connect({ address });
const client = new Client({ connection: clientConnection });
const result = await worker.runUntil(async () => {
  const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-tsx-esm', args: ['tsx-esm'] });
  await handle.signal('approve', 'tester');
  return handle.result();
});
await clientConnection.close();
await connection.close();
console.log(`RESULT ${JSON.stringify(result)}`);
