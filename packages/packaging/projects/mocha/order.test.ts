// A CommonJS project under mocha + ts-node (type-checked, module nodenext): worker and client on the embedded engine.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities';

describe('an order', () => {
  it('runs to completion: activity, timer, signal', async () => {
    const address = `sqlite:${join(__dirname, 'endure.db')}`;
    const connection = await NativeConnection.connect({ address });
    const worker = await Worker.create({ connection, taskQueue: 'orders', workflowsPath: require.resolve('./workflows'), activities });
    const clientConnection = await Connection.connect({ address });
    const client = new Client({ connection: clientConnection });
    const result = await worker.runUntil(async () => {
      const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-mocha', args: ['mocha'] });
      await handle.signal('approve', 'tester');
      return handle.result();
    });
    await clientConnection.close();
    await connection.close();
    assert.equal(result, 'Hello, mocha; approved by tester');
  });
});
