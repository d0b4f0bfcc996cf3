// The embedded default: one process, one SQLite file, no server to run.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import * as activities from './activities.js';
import { helloWorkflow } from './workflows.js';

const address = process.env['ENDURE_ADDRESS'] ?? 'sqlite:./endure.db';
const workerConnection = await NativeConnection.connect({ address });
const worker = await Worker.create({
  connection: workerConnection,
  taskQueue: 'hello',
  workflowsPath: fileURLToPath(new URL('./workflows.js', import.meta.url)),
  activities,
});
const connection = await Connection.connect({ address });
const client = new Client({ connection });

const started = Date.now();
const result = await worker.runUntil(
  client.workflow.execute(helloWorkflow, { taskQueue: 'hello', workflowId: `hello-${Date.now()}`, args: ['Endure'] }),
);
const where = address.startsWith('sqlite:') ? `state in ${address.slice('sqlite:'.length)}` : `on the server at ${address}`;
console.log(`Workflow result: ${result} (in ${Date.now() - started} ms, ${where})`);
await connection.close();
await workerConnection.close();
