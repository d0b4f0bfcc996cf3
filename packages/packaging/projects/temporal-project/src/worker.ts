import { NativeConnection, Worker } from '@endure/worker';
import { loadClientConnectConfig } from '@endure/envconfig';
import * as activities from './activities';

async function run() {
  const config = loadClientConnectConfig();
  const connection = await NativeConnection.connect(config.connectionOptions);
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.namespace ?? 'default',
      taskQueue: 'onboarding',
      workflowsPath: require.resolve('./workflows'),
      activities,
    });
    console.log('Worker started on task queue onboarding');
    await worker.run();
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
