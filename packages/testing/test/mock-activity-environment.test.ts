import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { activityInfo, cancellationDetails, cancellationSignal, cancelled, CancelledFailure, Context, getClient, heartbeat, log, sleep } from '@endure/activity';
import { UnsupportedOptionError } from '@endure/common';
import { DefaultLogger } from '@endure/worker';
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

  it('logger: the activity log goes there, with the activity ids, log.log(level) included', async () => {
    const lines: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
    const logger = new DefaultLogger('DEBUG', (e) => lines.push(e));
    const env = new MockActivityEnvironment({ activityType: 'charge' }, { logger });
    await env.run(async () => {
      log.info('charging', { amount: 3 });
      log.log('WARN', 'slow card');
    });
    assert.deepEqual(lines.map((l) => [l.level, l.message, l.meta?.['activityType'], l.meta?.['amount']]), [['INFO', 'charging', 'charge', 3], ['WARN', 'slow card', 'charge', undefined]]);
  });

  it('cancel(reason, details) is what the activity sees in cancellationDetails(); the reason is the message (default CANCELLED)', async () => {
    const env = new MockActivityEnvironment();
    const seen = env.run(async () => {
      await cancelled().catch(() => {});
      return { details: cancellationDetails(), reason: (cancellationSignal().reason as Error).message };
    });
    env.cancel();
    assert.deepEqual(await seen, { details: { notFound: false, cancelRequested: true, paused: false, timedOut: false, workerShutdown: false }, reason: 'CANCELLED' });
    const timedOut = new MockActivityEnvironment();
    timedOut.cancel('TIMED_OUT');
    assert.equal(await timedOut.run(async () => cancellationDetails()?.timedOut), true);
  });

  it("refuses Temporal's options it does not implement, and Context.client / metricMeter throw naming themselves", async () => {
    for (const option of ['interceptors', 'metricMeter', 'client']) {
      assert.throws(() => new MockActivityEnvironment({}, { [option]: {} }), (e: unknown) => e instanceof UnsupportedOptionError && e.option === option);
    }
    const env = new MockActivityEnvironment();
    await assert.rejects(env.run(async () => getClient()), /Context\.client is not supported by Endure: create a Client in your worker process/);
    await assert.rejects(env.run(async () => Context.current().metricMeter), /Context\.metricMeter is not supported by Endure/);
  });
});
