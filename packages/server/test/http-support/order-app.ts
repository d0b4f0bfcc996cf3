// A client and a worker for the order workflows (http-support/workflows/order.ts), both
// connected over HTTP to `address`: what the end-to-end HTTP tests run against a server.
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@endure/client';
import { DefaultLogger, NativeConnection, Worker } from '@endure/worker';
import type { OrderActivities } from './workflows/order.js';

const workflowsPath = fileURLToPath(new URL('./workflows/order.js', import.meta.url));

export interface OrderApp {
  client: Client;
  /** Stops the worker and closes both connections. */
  close(): Promise<void>;
}

export async function startOrderApp(address: string, activities: { [K in keyof OrderActivities]: OrderActivities[K] }, logLevel: 'WARN' | 'ERROR' = 'WARN'): Promise<OrderApp> {
  const connection = await Connection.connect({ address });
  const workerConnection = await NativeConnection.connect({ address });
  const worker = await Worker.create({ connection: workerConnection, taskQueue: 'orders', workflowsPath, logger: new DefaultLogger(logLevel, () => {}), activities });
  const running = worker.run();
  return {
    client: new Client({ connection }),
    async close() {
      worker.shutdown();
      await running;
      await workerConnection.close();
      await connection.close();
    },
  };
}
