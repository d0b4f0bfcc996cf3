// A CommonJS project under jest + ts-jest: worker and client on the embedded engine.
import { join } from 'path';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities';

test('a workflow runs to completion: activity, timer, signal', async () => {
  const address = `sqlite:${join(__dirname, 'endure.db')}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: 'orders', workflowsPath: require.resolve('./workflows'), activities });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-jest', args: ['jest'] });
    await handle.signal('approve', 'tester');
    return handle.result();
  });
  await clientConnection.close();
  await connection.close();
  expect(result).toBe('Hello, jest; approved by tester');
});
