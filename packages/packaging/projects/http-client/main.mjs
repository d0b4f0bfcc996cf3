// A client that talks HTTP only, in a project where @endure/client alone is installed: no engine,
// no native module. It starts a workflow on an endure server (a worker elsewhere runs it).
import { Client, Connection } from '@endure/client';

const connection = await Connection.connect({ address: process.env.SERVER_URL });
const client = new Client({ connection });
const handle = await client.workflow.start('order', { taskQueue: 'http-orders', workflowId: 'order-http', args: ['http'] });
await handle.signal('approve', 'tester');
const result = await handle.result();
await connection.close();
console.log(`RESULT ${JSON.stringify(result)}`);

// Without @endure/embedded installed, a sqlite: address is refused, naming the package to add.
try {
  await Connection.connect({ address: 'sqlite:./endure.db' });
  console.log('SQLITE opened');
} catch (err) {
  console.log(`SQLITE ${JSON.stringify(err.message)}`);
}
