// The README's quick start as an ESM project run with plain node: worker and client in one
// process on the embedded engine (sqlite:).
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';

const address = 'sqlite:./endure.db';
const connection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection,
  taskQueue: 'orders',
  workflowsPath: fileURLToPath(new URL('./workflows.mjs', import.meta.url)),
  activities: { greet: async (name) => `Hello, ${name}` },
});
const clientConnection = await Connection.connect({ address });
const client = new Client({ connection: clientConnection });
const result = await worker.runUntil(async () => {
  const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-esm', args: ['esm'] });
  await handle.signal('approve', 'tester');
  return handle.result();
});
await clientConnection.close();
await connection.close();
console.log(`RESULT ${JSON.stringify(result)}`);
