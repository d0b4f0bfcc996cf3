// An ESM project under vitest: worker and client on the embedded engine.
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities.js';

test('a workflow runs to completion: activity, timer, signal', async () => {
  const address = `sqlite:${fileURLToPath(new URL('./endure.db', import.meta.url))}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: 'orders', workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)), activities });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-vitest', args: ['vitest'] });
    await handle.signal('approve', 'tester');
    return handle.result();
  });
  await clientConnection.close();
  await connection.close();
  expect(result).toBe('Hello, vitest; approved by tester');
}, 60_000);
