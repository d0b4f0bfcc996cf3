// A worker whose polls fail never spins: an unknown namespace is refused at Worker.create, a
// refusal that retrying cannot change stops the worker with it, and other failures are retried
// with back-off while the process stays responsive.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, type EngineApi } from '@endure/protocol';
import { Worker } from '@endure/worker';
import { TestEnv, engineWith, memoryLogger } from '../src/harness.js';
import { makeActivities } from '../src/activities.js';

/** The environment's engine with its activity polls replaced by one that always fails with `err`. */
function failingPolls(engine: EngineApi, err: ApiError, calls: { n: number; at?: number[] }): EngineApi {
  const pollActivityTasks = () => {
    calls.n++;
    calls.at?.push(Date.now());
    return Promise.reject(err);
  };
  return engineWith(engine, { pollActivityTasks });
}

describe('failing polls', () => {
  let env: TestEnv;
  before(async () => (env = await TestEnv.create()));
  after(() => env.close());

  it('Worker.create refuses a namespace the engine does not know, naming it and the fix', async () => {
    await assert.rejects(
      Worker.create({ connection: env.connection, namespace: 'no-such-namespace', taskQueue: 'q', activities: makeActivities().activities }),
      /namespace 'no-such-namespace' does not exist; register it first \(`npx endure namespace create no-such-namespace`/,
    );
  });

  it('a refusal that retrying cannot change stops the worker with it, after one poll', async () => {
    const calls = { n: 0 };
    const refusal = new ApiError('INVALID_ARGUMENT', 'invalid pollActivityTasks request: taskQueue: too long');
    const worker = await Worker.create({
      connection: { engine: failingPolls(env.connection.engine, refusal, calls) },
      taskQueue: 'poll-refused',
      activities: makeActivities().activities,
      maxConcurrentActivityTaskPolls: 1,
      logger: memoryLogger(),
    });
    await assert.rejects(worker.run(), /taskQueue: too long/);
    assert.equal(worker.getState(), 'FAILED');
    assert.equal(calls.n, 1);
  });

  it('other failures are retried with growing pauses, not at once: the process stays responsive', async () => {
    const calls = { n: 0, at: [] as number[] };
    const worker = await Worker.create({
      connection: { engine: failingPolls(env.connection.engine, new ApiError('DEADLINE_EXCEEDED', 'no answer in time'), calls) },
      taskQueue: 'poll-failing',
      activities: makeActivities().activities,
      maxConcurrentActivityTaskPolls: 2,
      logger: memoryLogger(),
    });
    const running = worker.run();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, 1_500)); // fires on time only if the pollers yield
    assert.ok(Date.now() - t0 < 3_000, 'timers still run');
    assert.equal(worker.getState(), 'RUNNING');
    // Back-off from 100 ms doubling (shared by the pollers, jittered): about 4-5 polls in the
    // first 500 ms, at most 2 in the last.
    const inWindow = (from: number, to: number) => calls.at.filter((t) => t - t0 >= from && t - t0 < to).length;
    assert.ok(calls.n >= 4 && calls.n <= 10, `retried, but not at once (${calls.n} polls in 1.5 s)`);
    assert.ok(inWindow(0, 500) > inWindow(1000, 1500), `the pauses grow (${calls.at.map((t) => t - t0).join(', ')} ms)`);
    worker.shutdown();
    await running;
    assert.equal(worker.getState(), 'STOPPED');
  });
});
