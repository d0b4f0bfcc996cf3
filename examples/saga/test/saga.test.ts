import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@endure/client';
import { Worker } from '@endure/worker';
import { TestWorkflowEnvironment } from '@endure/testing';
import { makeBookingActivities } from '../src/activities.js';

const workflowsPath = fileURLToPath(new URL('../src/workflows.js', import.meta.url));

describe('saga sample', () => {
  let env: TestWorkflowEnvironment;
  before(async () => (env = await TestWorkflowEnvironment.createLocal()));
  after(() => env.teardown());

  async function run(failOn?: 'car') {
    const booking = makeBookingActivities(failOn);
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue: 'trips', workflowsPath, activities: booking.activities });
    const outcome = await worker.runUntil(
      env.client.workflow.execute('bookTrip', { taskQueue: 'trips', workflowId: `trip-${failOn ?? 'ok'}`, args: ['paris'] }).then(
        (v) => ({ ok: true as const, v }),
        (e: unknown) => ({ ok: false as const, e }),
      ),
    );
    return { outcome, log: booking.log };
  }

  it('books everything when every step succeeds', async () => {
    const { outcome, log } = await run();
    assert.deepEqual(outcome, { ok: true, v: ['flight-paris', 'hotel-paris', 'car-paris'] });
    assert.deepEqual(log, ['book flight', 'book hotel', 'book car']);
  });

  it('compensates in reverse order when the third booking fails, then fails the workflow', async () => {
    const { outcome, log } = await run('car');
    assert.deepEqual(log, ['book flight', 'book hotel', 'cancel hotel hotel-paris', 'cancel flight flight-paris']);
    assert.ok(!outcome.ok && outcome.e instanceof WorkflowFailedError);
    assert.match(String(((outcome.e as WorkflowFailedError).cause?.cause as Error | undefined)?.message), /no car available for paris/);
  });
});
