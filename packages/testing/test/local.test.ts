import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '../src/index.js';
import * as activities from './activities.js';
import { quietLogger, uid, workflowsPath } from './helpers.js';
import { greeting } from './workflows/timing.js';

describe('TestWorkflowEnvironment.createLocal', () => {
  it('runs a workflow with an activity through a worker on env.nativeConnection, then cleans up', async () => {
    const env = await TestWorkflowEnvironment.createLocal();
    const file = env.address.slice('sqlite:'.length);
    try {
      assert.equal(env.supportsTimeSkipping, false);
      assert.ok(Math.abs((await env.currentTimeMs()) - Date.now()) < 1000);
      const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'local', workflowsPath, activities, logger: quietLogger });
      const result = await worker.runUntil(env.client.workflow.execute(greeting, { taskQueue: 'local', workflowId: uid(), args: ['Endure'] }));
      assert.equal(result, 'Hello, Endure!');
      const t0 = Date.now();
      await env.sleep('50ms');
      assert.ok(Date.now() - t0 >= 45, 'a local environment sleeps in real time');
      assert.ok(existsSync(file));
    } finally {
      await env.teardown();
    }
    assert.equal(existsSync(file), false, 'teardown deletes the database');
  });
});
