import assert from 'assert';
import { after, before, describe, it } from 'mocha';
import { TestWorkflowEnvironment } from '@endure/testing';
import { Worker } from '@endure/worker';
import * as activities from '../activities';
import { approveSignal, onboarding, statusQuery } from '../workflows';

describe('onboarding workflow', () => {
  let testEnv: TestWorkflowEnvironment;

  before(async () => {
    testEnv = await TestWorkflowEnvironment.createTimeSkipping();
  });

  after(async () => {
    await testEnv?.teardown();
  });

  it('waits for approval, sleeps a day, greets, and leaves its reminders running', async () => {
    const { client, nativeConnection } = testEnv;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'test',
      workflowsPath: require.resolve('../workflows'),
      activities,
    });
    const result = await worker.runUntil(async () => {
      const handle = await client.workflow.start(onboarding, { args: ['ada'], workflowId: 'onboarding-ada', taskQueue: 'test' });
      assert.equal(await handle.query(statusQuery), 'waiting for approval');
      await handle.signal(approveSignal, 'grace');
      return handle.result();
    });
    assert.equal(result, 'Hello, ada! translate(Hello, ada!, fr); approved by grace; reminders in reminders-ada');
    const reminders = await client.workflow.getHandle('reminders-ada').describe();
    assert.equal(reminders.status.name, 'RUNNING');
  });

  it('runs a workflow type that has no function of its own in the default export', async () => {
    const { client, nativeConnection } = testEnv;
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'dynamic',
      workflowsPath: require.resolve('../workflows'),
      activities,
    });
    const result = await worker.runUntil(
      client.workflow.execute('auditTrail', { args: ['ada', 3], workflowId: 'audit-ada', taskQueue: 'dynamic' }),
    );
    assert.equal(result, 'auditTrail ran dynamically with ["ada",3]');
  });
});
