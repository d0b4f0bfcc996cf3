import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityInfo, cancellationSignal, cancelled, CancelledFailure, heartbeat, sleep } from '@endure/activity';
import { MockActivityEnvironment } from '../src/index.js';

describe('MockActivityEnvironment', () => {
  it('runs an activity with its arguments and emits every heartbeat, unthrottled', async () => {
    const env = new MockActivityEnvironment();
    const seen: unknown[] = [];
    env.on('heartbeat', (d: unknown) => seen.push(d));
    const result = await env.run(async (n: number, label: string) => {
      for (let i = 1; i <= n; i++) heartbeat({ progress: i });
      return `${label}: ${n}`;
    }, 3, 'beats');
    assert.equal(result, 'beats: 3');
    assert.deepEqual(seen, [{ progress: 1 }, { progress: 2 }, { progress: 3 }]);
  });

  it('cancel() aborts cancellationSignal, rejects cancelled() and a cancellation-aware sleep', async () => {
    const env = new MockActivityEnvironment();
    env.on('heartbeat', () => env.cancel('test says stop'));
    let signal: AbortSignal | undefined;
    let cancelledError: unknown;
    const run = env.run(async () => {
      signal = cancellationSignal();
      cancelled().catch((e: unknown) => (cancelledError = e));
      heartbeat();
      await sleep('10 seconds');
      return 'finished';
    });
    await assert.rejects(run, (err: unknown) => err instanceof CancelledFailure && err.message === 'test says stop');
    assert.equal(signal?.aborted, true);
    assert.ok(cancelledError instanceof CancelledFailure);
  });

  it('activityInfo() shows the constructor overrides over the defaults', async () => {
    const env = new MockActivityEnvironment({ attempt: 3, activityType: 'charge', heartbeatDetails: { page: 7 }, taskQueue: 'payments' });
    const info = await env.run(async () => activityInfo());
    assert.equal(info.attempt, 3);
    assert.equal(info.activityType, 'charge');
    assert.deepEqual(info.heartbeatDetails, { page: 7 });
    assert.equal(info.taskQueue, 'payments');
    assert.equal(info.activityId, 'test'); // a default
    assert.equal(info.isLocal, false);
  });

  it('turns a synchronous throw into a rejection', async () => {
    const env = new MockActivityEnvironment();
    await assert.rejects(env.run(() => {
      throw new Error('boom');
    }), /boom/);
  });
});
