// A whole "process" of an app on one address: the engine (opened by the first connection for an
// embedded address), a worker with the basic workflows and activities, and a client. Tests that
// restart an app call it again on the same address.
import { Client, Connection } from '@endure/client';
import { NativeConnection, Worker } from '@endure/worker';
import { memoryLogger, workflowsPath } from './harness.js';
import { makeActivities } from './activities.js';

export interface BootedApp {
  client: Client;
  /** Stops the worker and closes both connections (the last one closes an embedded engine). */
  down(): Promise<void>;
}

export async function bootApp(address: string, taskQueue: string): Promise<BootedApp> {
  const conn = await Connection.connect({ address });
  const wconn = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: wconn, taskQueue, workflowsPath: workflowsPath('basic'), activities: makeActivities().activities, logger: memoryLogger() });
  const running = worker.run();
  return {
    client: new Client({ connection: conn }),
    async down() {
      worker.shutdown();
      await running;
      await wconn.close();
      await conn.close();
    },
  };
}
