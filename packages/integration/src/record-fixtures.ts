// Records histories of representative workflows as JSON fixtures (packages/integration/fixtures).
// Run after adding a workflow feature: `node packages/integration/dist/src/record-fixtures.js`.
// The fixtures test replays every fixture against the current code, so a change that breaks
// determinism for runs already in flight fails CI.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeActivities } from './activities.js';
import { TestEnv, workflowsPath } from './harness.js';

interface Case {
  name: string;
  module: string;
  workflowType: string;
  args: unknown[];
  drive?: (h: { signal(name: string, ...a: unknown[]): Promise<void>; cancel(): Promise<void> }) => Promise<void>;
}

const cases: Case[] = [
  { name: 'activities-sequence', module: 'basic', workflowType: 'sequence', args: [3] },
  { name: 'activity-retries', module: 'basic', workflowType: 'flakyWorkflow', args: [3] },
  { name: 'deterministic-values', module: 'basic', workflowType: 'deterministicValues', args: [] },
  { name: 'timer-and-condition', module: 'basic', workflowType: 'conditionWithTimeout', args: [20] },
  { name: 'signals', module: 'messages', workflowType: 'cart', args: [], drive: async (h) => { await h.signal('addItem', 'a'); await h.signal('addItem', 'b'); await h.signal('checkout'); } },
  { name: 'cancellation-cleanup', module: 'messages', workflowType: 'cleanupOnCancel', args: [], drive: async (h) => { await new Promise((r) => setTimeout(r, 100)); await h.cancel(); } },
  { name: 'scope-timeout', module: 'messages', workflowType: 'withTimeoutScope', args: [] },
  { name: 'patched', module: 'versioned-v2', workflowType: 'shipping', args: [] },
  { name: 'continue-as-new', module: 'chain', workflowType: 'counter', args: [1, 3] },
];

const env = await TestEnv.create();
try {
  for (const c of cases) {
    const taskQueue = `fixture-${c.name}`;
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath(c.module), activities: makeActivities().activities });
    const h = await env.client.workflow.start(c.workflowType, { taskQueue, workflowId: c.name, args: c.args });
    await c.drive?.(h);
    await h.result().catch(() => undefined);
    const { events } = await h.fetchHistory();
    const file = fileURLToPath(new URL(`../../fixtures/${c.name}.json`, import.meta.url));
    writeFileSync(file, JSON.stringify({ module: c.module, workflowType: c.workflowType, events }, null, 1) + '\n');
    console.log(`recorded ${c.name}: ${events.length} events`);
  }
} finally {
  await env.close();
}
