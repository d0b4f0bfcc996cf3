// TestWorkflowEnvironment's constructors take Temporal's options: what an in-process engine can
// do (a namespace, search attributes, a database file, client options, an existing engine's
// address) it does; options of Temporal's external servers (executables, ports, UI) are refused.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnsupportedOptionError } from '@endure/common';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '../src/index.js';
import * as activities from './activities.js';
import { quietLogger, uid, workflowsPath } from './helpers.js';

describe('TestWorkflowEnvironment options', () => {
  it('createLocal: server.namespace creates and uses a namespace, server.searchAttributes registers them, client options reach env.client', async () => {
    const env = await TestWorkflowEnvironment.createLocal({
      server: { namespace: 'orders', searchAttributes: [{ name: 'CustomerId', type: 'KEYWORD' }, { name: 'Total', type: 'DOUBLE' }] },
      client: { identity: 'test-suite' },
    });
    try {
      assert.equal(env.namespace, 'orders');
      const { custom } = await env.client.operator.listSearchAttributes();
      assert.deepEqual({ CustomerId: custom['CustomerId'], Total: custom['Total'] }, { CustomerId: 'Keyword', Total: 'Double' });
      const worker = await Worker.create({ connection: env.nativeConnection, namespace: env.namespace, taskQueue: 'ns', workflowsPath, activities, logger: quietLogger });
      const h = await env.client.workflow.start('greeting', { taskQueue: 'ns', workflowId: uid(), args: ['orders'], searchAttributes: { CustomerId: 'c-1' } });
      assert.equal(await worker.runUntil(h.result()), 'Hello, orders!');
      const started = (await h.fetchHistory()).events[0]!;
      assert.equal(started.type === 'WorkflowExecutionStarted' && started.attributes.identity, 'test-suite');
    } finally {
      await env.teardown();
    }
  });

  it('createLocal: server.dbFilename keeps the database in that file, which teardown leaves', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'endure-env-db-'));
    const dbFilename = join(dir, 'kept.db');
    try {
      const env = await TestWorkflowEnvironment.createLocal({ server: { dbFilename } });
      const workflowId = uid();
      try {
        assert.equal(env.address, `sqlite:${dbFilename}`);
        await env.client.workflow.start('greeting', { taskQueue: 'nobody', workflowId, args: ['kept'] });
      } finally {
        await env.teardown();
      }
      assert.ok(existsSync(dbFilename));
      const again = await TestWorkflowEnvironment.createLocal({ server: { dbFilename } });
      try {
        assert.equal((await again.client.workflow.getHandle(workflowId).describe()).status.name, 'RUNNING');
      } finally {
        await again.teardown();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('createFromExistingServer: address and namespace of an engine already running; teardown only closes its connections', async () => {
    const owner = await TestWorkflowEnvironment.createLocal({ server: { namespace: 'shared' } });
    try {
      const env = await TestWorkflowEnvironment.createFromExistingServer({ address: owner.address, namespace: 'shared', client: { identity: 'second' } });
      assert.equal(env.supportsTimeSkipping, false);
      const worker = await Worker.create({ connection: env.nativeConnection, namespace: 'shared', taskQueue: 'existing', workflowsPath, activities, logger: quietLogger });
      const h = await env.client.workflow.start('greeting', { taskQueue: 'existing', workflowId: uid(), args: ['again'] });
      assert.equal(await worker.runUntil(h.result()), 'Hello, again!');
      await env.teardown();
      assert.equal(await owner.client.workflow.getHandle(h.workflowId).result(), 'Hello, again!', 'the engine it joined is still there');
      await assert.rejects(env.createNexusEndpoint('e', 'q'), /createNexusEndpoint is not supported by Endure: there is no Nexus/);
    } finally {
      await owner.teardown();
    }
  });

  it('createTimeSkipping: client options reach env.client; its server options are refused', async () => {
    const env = await TestWorkflowEnvironment.createTimeSkipping({ client: { identity: 'skipper' }, server: {} });
    try {
      const h = await env.client.workflow.start('greeting', { taskQueue: 'nobody', workflowId: uid(), args: ['x'] });
      const started = (await h.fetchHistory()).events[0]!;
      assert.equal(started.type === 'WorkflowExecutionStarted' && started.attributes.identity, 'skipper');
      await h.terminate();
    } finally {
      await env.teardown();
    }
  });

  it("refuses the options of Temporal's external servers and plugins, by name", async () => {
    const refusals: [() => Promise<unknown>, string, RegExp][] = [
      [() => TestWorkflowEnvironment.createLocal({ server: { port: 7233 } as never }), 'port', /runs the engine inside this process.*createFromExistingServer/],
      [() => TestWorkflowEnvironment.createLocal({ server: { ui: true } as never }), 'ui', /there is no UI/],
      [() => TestWorkflowEnvironment.createLocal({ server: { executable: { type: 'cached-download' } } as never }), 'executable', /no server to download, run or reach/],
      [() => TestWorkflowEnvironment.createLocal({ plugins: [] } as never), 'plugins', /plugins are not implemented/],
      [() => TestWorkflowEnvironment.createTimeSkipping({ server: { extraArgs: ['--x'] } as never }), 'extraArgs', /no server to download, run or reach/],
      [() => TestWorkflowEnvironment.createFromExistingServer({ plugins: [] } as never), 'plugins', /plugins are not implemented/],
    ];
    for (const [call, option, why] of refusals) {
      await assert.rejects(call(), (e: unknown) => e instanceof UnsupportedOptionError && e.option === option && why.test(e.message), option);
    }
    await assert.rejects(TestWorkflowEnvironment.createLocal({ server: { searchAttributes: [{ name: 'X', type: 'STRING' }] } as never }), /server\.searchAttributes entries are \{ name, type \} with type one of TEXT, KEYWORD/);
  });
});
