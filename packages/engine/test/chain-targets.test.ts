// Which run a call acts on: a firstExecutionRunId keeps cancel, terminate and update within the
// chain it names; signalWithStart follows its workflowIdConflictPolicy.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { complete, completeTask, openEngine, tempDir } from './support.js';

const dir = tempDir();
const ns = 'default';
const taskQueue = 'targets';

describe('chain and conflict targets', () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('cancel, terminate and update with firstExecutionRunId reach only the chain that run started', async () => {
    const h = await openEngine(join(dir, 'chain.db'));
    try {
      const start = { namespace: ns, workflowId: 'order-1', workflowType: 'order', taskQueue, input: [] };
      const { runId: first } = await h.engine.startWorkflow(start);
      await completeTask(h.engine, ns, taskQueue, [complete]);
      const { runId: second } = await h.engine.startWorkflow(start); // the id started again: a new chain
      const stale = { namespace: ns, workflowId: 'order-1', firstExecutionRunId: first };
      await assert.rejects(h.engine.requestCancelWorkflow(stale), { code: 'NOT_FOUND', message: /no run in the chain started by run .*: its latest run .* belongs to a chain started since/ });
      await assert.rejects(h.engine.terminateWorkflow(stale), { code: 'NOT_FOUND' });
      await assert.rejects(h.engine.updateWorkflow({ ...stale, updateId: 'u1', updateName: 'u', args: [], timeoutMs: 100 }), { code: 'NOT_FOUND' });
      assert.equal((await h.engine.describeWorkflow({ namespace: ns, workflowId: 'order-1' })).status, 'RUNNING', 'the new chain was not touched');
      await h.engine.terminateWorkflow({ namespace: ns, workflowId: 'order-1', firstExecutionRunId: second });
      assert.equal((await h.engine.describeWorkflow({ namespace: ns, workflowId: 'order-1' })).status, 'TERMINATED');
    } finally {
      await h.close();
    }
  });

  it('signalWithStart signals a running run by default, and follows FAIL and TERMINATE_EXISTING', async () => {
    const h = await openEngine(join(dir, 'sws.db'));
    try {
      const sws = { namespace: ns, workflowId: 'cart-1', workflowType: 'cart', taskQueue, input: [], signalName: 'add', signalInput: [] };
      const { runId } = await h.engine.startWorkflow(sws);
      assert.deepEqual(await h.engine.startWorkflow(sws), { runId, started: false }, 'USE_EXISTING by default');
      await assert.rejects(h.engine.startWorkflow({ ...sws, workflowIdConflictPolicy: 'FAIL' }), { code: 'ALREADY_STARTED' });
      const replaced = await h.engine.startWorkflow({ ...sws, workflowIdConflictPolicy: 'TERMINATE_EXISTING' });
      assert.notEqual(replaced.runId, runId);
      assert.equal((await h.engine.describeWorkflow({ namespace: ns, workflowId: 'cart-1', runId })).status, 'TERMINATED');
      const signals = (await h.engine.getHistory({ namespace: ns, workflowId: 'cart-1' })).events.filter((e) => e.type === 'WorkflowExecutionSignaled');
      assert.equal(signals.length, 1, 'the new run got the signal');
    } finally {
      await h.close();
    }
  });
});
