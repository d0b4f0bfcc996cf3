// A workflow task that keeps failing is logged by its worker in full once, then less and less
// often, with the commands that inspect and end the run.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { TestEnv, memoryLogger, uid, workflowsPath } from '../src/harness.js';

describe('a workflow task that keeps failing', () => {
  let env: TestEnv;
  const taskQueue = 'failing-task-log';
  before(async () => {
    env = await TestEnv.create();
  });
  after(() => env.close());

  it('is logged in full at its first failure, briefly at attempt 2, then not until attempt 5; each later worker logs it once in full', async () => {
    const logger = memoryLogger();
    const firstWorker = await env.startWorker({ taskQueue, workflowsPath: workflowsPath('broken'), logger });
    const h = await env.client.workflow.start('alwaysBroken', { taskQueue, workflowId: uid('broken') });
    // Attempt 5 is scheduled once the fourth failure is recorded (back-off 0.2, 0.4, 0.8 s).
    await env.waitFor(h, (d) => (d.pendingWorkflowTask?.attempt ?? 0) >= 5);
    const mine = (level: string) => logger.entries.filter((e) => e.level === level && e.message.includes(h.firstExecutionRunId));
    const warnings = mine('WARN');
    assert.equal(warnings.length, 2, warnings.map((w) => w.message).join('\n---\n'));
    // (The only run on this queue: debug lines carry the run id in their metadata only.)
    const quiet = logger.entries.filter((e) => e.level === 'DEBUG' && /^workflow task failed again \(attempt [34]\): bug: order total is NaN$/.test(e.message));
    assert.equal(quiet.length, 2);

    // A postgres:// address has a `?schema=`, which the shell needs quoted.
    const address = env.address.startsWith('sqlite:') ? `sqlite:${resolve(env.address.slice('sqlite:'.length))}` : env.address.includes('?') ? `'${env.address}'` : env.address;
    const note = env.address.startsWith('sqlite:') || env.address.startsWith('postgres:') ? ' (once this process has stopped: it holds the database)' : '';
    const ids = `--workflow-id ${h.workflowId} --run-id ${h.firstExecutionRunId}`;
    const lines = warnings[0]!.message.split('\n');
    assert.equal(lines[0], `workflow task failed, attempt 1, workflow '${h.workflowId}' (type 'alwaysBroken', run ${h.firstExecutionRunId}): bug: order total is NaN`);
    assert.match(lines[1]!, /^Error: bug: order total is NaN$/);
    assert.match(lines[2]!, /^ {4}at alwaysBroken /);
    assert.deepEqual(lines.slice(-3), [
      'The run is not failed: the task is retried with back-off, and the workflow continues once its code is fixed and its worker restarted (next logged at attempt 2).',
      `Inspect it${note}: endure --address ${address} workflow show ${ids}`,
      `End it${note}: endure --address ${address} workflow terminate ${ids}`,
    ]);
    assert.match(warnings[1]!.message, /^workflow task still failing, attempt 2, .*\(next logged at attempt 5\)\. Inspect it/);

    // A worker started later (a restart) has not told anyone yet: its first sight of the failure
    // is in full. A new worker on the queue makes the engine retry the task at once.
    await firstWorker.stop();
    const later = memoryLogger();
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath('broken'), logger: later });
    const seen = await env.waitFor(h, () => later.entries.some((e) => e.level === 'WARN' && e.message.includes(h.firstExecutionRunId)));
    const first = later.entries.find((e) => e.level === 'WARN' && e.message.includes(h.firstExecutionRunId))!;
    assert.match(first.message, /^workflow task failed, attempt \d+, /);
    // It met the run mid-way (the attempt it failed may still be the one pending when described).
    assert.ok(seen.pendingWorkflowTask!.attempt >= 5);
    await h.terminate('test done');
  });
});
