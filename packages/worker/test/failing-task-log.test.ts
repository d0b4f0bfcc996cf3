// Which failures of a workflow task a worker logs, and what the lines say.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowTask } from '@endure/protocol';
import { DefaultLogger, type LogEntry } from '../src/logger.js';
import { FailingTaskLog, isLoggedAttempt, nextLoggedAttempt } from '../src/failing-task-log.js';

function task(attempt: number, over: Partial<WorkflowTask> = {}): WorkflowTask {
  return { taskToken: 't', namespace: 'default', workflowId: 'order-1', runId: 'run-1', workflowType: 'order', attempt, events: [], lastEventId: 1, startedTime: 0, ...over };
}
const failure = { message: 'bug: total is NaN', stackTrace: 'Error: bug: total is NaN\n    at order (workflows.ts:3:9)' };

function logged(address: string | undefined) {
  const entries: LogEntry[] = [];
  return { log: new FailingTaskLog(new DefaultLogger('DEBUG', (e) => entries.push(e)), address), entries };
}

describe('FailingTaskLog', () => {
  it('logs attempts 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000 and no others', () => {
    const attempts = Array.from({ length: 1200 }, (_, i) => i + 1).filter(isLoggedAttempt);
    assert.deepEqual(attempts, [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
    assert.equal(nextLoggedAttempt(1), 2);
    assert.equal(nextLoggedAttempt(20), 50);
    assert.equal(nextLoggedAttempt(37), 50);
  });

  it('warns in full at the first failure, briefly at the logged attempts, and at debug level otherwise', () => {
    const { log, entries } = logged('http://10.0.0.5:8233');
    for (let a = 1; a <= 12; a++) log.report(task(a), failure, false);
    const warnings = entries.filter((e) => e.level === 'WARN');
    assert.deepEqual(warnings.map((e) => e.meta?.['attempt']), [1, 2, 5, 10]);
    assert.equal(entries.filter((e) => e.level === 'DEBUG').length, 8);
    const show = 'endure --address http://10.0.0.5:8233 workflow show --workflow-id order-1 --run-id run-1';
    const end = 'endure --address http://10.0.0.5:8233 workflow terminate --workflow-id order-1 --run-id run-1';
    assert.equal(
      warnings[0]!.message,
      [
        "workflow task failed, attempt 1, workflow 'order-1' (type 'order', run run-1): bug: total is NaN",
        'Error: bug: total is NaN\n    at order (workflows.ts:3:9)',
        'The run is not failed: the task is retried with back-off, and the workflow continues once its code is fixed and its worker restarted (next logged at attempt 2).',
        `Inspect it: ${show}`,
        `End it: ${end}`,
      ].join('\n'),
    );
    assert.equal(
      warnings[2]!.message,
      `workflow task still failing, attempt 5, workflow 'order-1' (type 'order', run run-1): bug: total is NaN (next logged at attempt 10). Inspect it: ${show}; End it: ${end}`,
    );
    assert.deepEqual(warnings[0]!.meta, { workflowId: 'order-1', runId: 'run-1', workflowType: 'order', attempt: 1, nondeterminism: false });
  });

  it('a worker that meets a run already failing logs its first failure in full, whatever the attempt', () => {
    const { log, entries } = logged('http://localhost:7233');
    log.report(task(37), failure, true);
    log.report(task(38), failure, true);
    const warnings = entries.filter((e) => e.level === 'WARN');
    assert.equal(warnings.length, 1);
    assert.match(warnings[0]!.message, /^workflow task failed: the workflow code no longer matches the run's history, attempt 37, .*\(next logged at attempt 50\)/s);
    // The CLI's default address needs no --address.
    assert.match(warnings[0]!.message, /\nInspect it: endure workflow show --workflow-id order-1 --run-id run-1\n/);
  });

  it('names the namespace, quotes ids for the shell, and for an embedded engine names the file and says when the CLI can open it', () => {
    const { log, entries } = logged('sqlite:/var/lib/app/endure.db');
    log.report(task(1, { namespace: 'billing', workflowId: "it's 1" }), { message: 'boom' }, false);
    const lines = entries[0]!.message.split('\n');
    assert.equal(lines[1], '(no stack trace)');
    assert.equal(
      lines[3],
      `Inspect it (once this process has stopped: it holds the database): endure --address sqlite:/var/lib/app/endure.db --namespace billing workflow show --workflow-id 'it'\\''s 1' --run-id run-1`,
    );
  });
});
