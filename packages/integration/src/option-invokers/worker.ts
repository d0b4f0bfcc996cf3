// Option invokers for @endure/worker's tables: each makes the real call (Worker.create against an
// embedded engine, worker.runUntil, Worker.runReplayHistory with a recorded history,
// bundleWorkflowCode) with minimal valid options plus the one option under test.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { HistoryEvent } from '@endure/protocol';
import { Worker, bundleWorkflowCode, type WorkerOptions } from '@endure/worker';
import { workflowsPath } from '../harness.js';
import { SET, withEmbeddedEngine, type OptionInvoker } from './embedded.js';

/** Creates a worker with `extra` on an embedded engine; if it is accepted, runs it briefly and stops it. */
function createWorker(extra: (option: string, value: unknown) => Partial<WorkerOptions>, withWorkflows = false): OptionInvoker {
  return (option, value = SET) =>
    withEmbeddedEngine(async ({ native }) => {
      const worker = await Worker.create({
        connection: native,
        taskQueue: 'option-invoker',
        activities: { async noop() {} },
        ...(withWorkflows ? { workflowsPath: workflowsPath('options') } : {}),
        ...extra(option, value),
      });
      await worker.runUntil(Promise.resolve());
    });
}

/** A history recorded by packages/integration/src/record-fixtures.ts, replayed with the 'basic' workflows. */
function recordedHistory(): HistoryEvent[] {
  const file = fileURLToPath(new URL('../../../fixtures/activities-sequence.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { events: HistoryEvent[] }).events;
}

export const workerInvokers: Record<string, OptionInvoker> = {
  WorkerOptions: createWorker((option, value) => ({ [option]: value })),
  'WorkerOptions.dataConverter': createWorker((option, value) => ({ dataConverter: { [option]: value } }), true),
  'WorkerOptions.bundlerOptions': createWorker((option, value) => ({ bundlerOptions: { [option]: value } }), true),
  RunUntilOptions: (option, value = SET) =>
    withEmbeddedEngine(async ({ native }) => {
      const worker = await Worker.create({ connection: native, taskQueue: 'option-invoker', activities: { async noop() {} } });
      try {
        return await worker.runUntil(Promise.resolve('done'), { [option]: value });
      } finally {
        worker.shutdown(); // in case the options were refused before the worker ran
      }
    }),
  ReplayWorkerOptions: (option, value = SET) => Worker.runReplayHistory({ workflowsPath: workflowsPath('basic'), [option]: value }, recordedHistory()),
  BundleOptions: (option, value = SET) => bundleWorkflowCode({ workflowsPath: workflowsPath('options'), [option]: value }),
};
