import { Client, Connection } from '@endure/client';
import { loadClientConnectConfig } from '@endure/envconfig';
import { approveSignal, onboarding, statusQuery } from './workflows';

async function run() {
  const config = loadClientConnectConfig();
  const connection = await Connection.connect(config.connectionOptions);
  const client = new Client({ connection, namespace: config.namespace });
  const user = process.argv[2] ?? 'ada';

  const handle = await client.workflow.start(onboarding, {
    args: [user, '1 second'],
    taskQueue: 'onboarding',
    workflowId: `onboarding-${user}`,
  });
  console.log(`Started workflow ${handle.workflowId}`);
  console.log(`status: ${await handle.query(statusQuery)}`);
  await handle.signal(approveSignal, 'grace');
  const dynamic = await client.workflow.execute('auditTrail', {
    args: [user],
    taskQueue: 'onboarding',
    workflowId: `audit-${user}`,
  });
  console.log(dynamic);
  console.log(await handle.result());
  await client.workflow.getHandle(`reminders-${user}`).terminate('demo over');
  await connection.close();
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
