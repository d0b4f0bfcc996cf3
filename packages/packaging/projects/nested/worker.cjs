// A worker installed with npm's nested layout (every package in its dependent's node_modules),
// working for an endure server over HTTP. The workflow runtime must be found from @endure/worker's
// own node_modules; the embedded engine is installed (the worker depends on it) but must not load.
const { join } = require('node:path');
const { NativeConnection, Worker } = require('@endure/worker');

async function main() {
  const connection = await NativeConnection.connect({ address: process.env.SERVER_URL });
  const worker = await Worker.create({
    connection,
    taskQueue: 'http-orders',
    workflowsPath: join(__dirname, 'workflows.ts'),
    activities: { greet: async (name) => `Hello, ${name}` },
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  console.log('READY');
  await running;
  await connection.close();
  const engine = Object.keys(require.cache).filter((f) => /[\\/](@endure[\\/](embedded|engine|store-sqlite)|better-sqlite3)[\\/]/.test(f));
  console.log(`ENGINE_MODULES ${JSON.stringify(engine)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
