// Records histories of representative workflows as JSON fixtures (packages/integration/fixtures).
// Run after adding a workflow feature: `node packages/integration/dist/src/record-fixtures.js`.
// Existing fixtures are kept as they are (their age is their value): only missing ones are written.
// The fixtures test replays every fixture against the current code, so a change that breaks
// determinism for runs already in flight fails CI.
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeActivities } from './activities.js';
import { TestEnv, workflowsPath } from './harness.js';

interface Case {
  name: string;
  module: string;
  workflowType: string;
  args: unknown[];
  drive?: (h: {
    signal(name: string, ...a: unknown[]): Promise<void>;
    cancel(): Promise<void>;
    executeUpdate(name: string, opts: { args: unknown[] }): Promise<unknown>;
  }) => Promise<void>;
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
  { name: 'children', module: 'family', workflowType: 'parentOfTwo', args: [] },
  { name: 'local-activities', module: 'basic', workflowType: 'localActivity', args: [] },
  {
    name: 'updates',
    module: 'updates',
    workflowType: 'updatableCart',
    args: [],
    drive: async (h) => {
      await h.executeUpdate('addToCart', { args: ['a'] });
      await h.executeUpdate('addToCart', { args: ['b'] });
      await h.signal('finish');
    },
  },
];

const env = await TestEnv.create();
try {
  for (const c of cases) {
    const file = fileURLToPath(new URL(`../../fixtures/${c.name}.json`, import.meta.url));
    if (existsSync(file)) continue;
    const taskQueue = `fixture-${c.name}`;
    await env.startWorker({ taskQueue, workflowsPath: workflowsPath(c.module), activities: makeActivities().activities });
    const h = await env.client.workflow.start(c.workflowType, { taskQueue, workflowId: c.name, args: c.args });
    await c.drive?.(h);
    await h.result().catch(() => undefined);
    const { events } = await h.fetchHistory();
    writeFileSync(file, JSON.stringify({ module: c.module, workflowType: c.workflowType, events }, null, 1) + '\n');
    console.log(`recorded ${c.name}: ${events.length} events`);
  }
} finally {
  await env.close();
}
