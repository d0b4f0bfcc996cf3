// A CommonJS TypeScript project run with tsx (its CommonJS mode): every @endure package is require()d.
import { join } from 'path';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities';

async function main(): Promise<string> {
  const address = `sqlite:${join(__dirname, 'endure.db')}`;
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection, taskQueue: 'orders', workflowsPath: require.resolve('./workflows'), activities });
  const clientConnection = await Connection.connect({ address });
  const client = new Client({ connection: clientConnection });
  const result = await worker.runUntil(async () => {
    const handle = await client.workflow.start('order', { taskQueue: 'orders', workflowId: 'order-tsx-cjs', args: ['tsx-cjs'] });
    await handle.signal('approve', 'tester');
    return handle.result();
  });
  await clientConnection.close();
  await connection.close();
  return result;
}

main().then(
  (result) => console.log(`RESULT ${JSON.stringify(result)}`),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
