import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestWorkflowEnvironment } from '@endure/testing';
import { Worker } from '@endure/worker';
import * as activities from '../activities';
import { approveSignal, onboarding, statusQuery } from '../workflows';

describe('onboarding workflow', () => {
  let testEnv: TestWorkflowEnvironment;

  beforeAll(async () => {
    testEnv = await TestWorkflowEnvironment.createTimeSkipping();
  });

  afterAll(async () => {
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
      expect(await handle.query(statusQuery)).toBe('waiting for approval');
      await handle.signal(approveSignal, 'grace');
      return handle.result();
    });
    expect(result).toBe('Hello, ada! translate(Hello, ada!, fr); approved by grace; reminders in reminders-ada');
    const reminders = await client.workflow.getHandle('reminders-ada').describe();
    expect(reminders.status.name).toBe('RUNNING');
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
    expect(result).toBe('auditTrail ran dynamically with ["ada",3]');
  });
});
