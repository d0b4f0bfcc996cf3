import { activityInfo, cancellationSignal, heartbeat, sleep, ApplicationFailure, CancelledFailure, CompleteAsyncError } from '@endure/activity';

/** Activities for the integration tests; `calls` counts executions per activity name. */
export function makeActivities() {
  const calls: Record<string, number> = {};
  const count = (name: string) => (calls[name] = (calls[name] ?? 0) + 1);
  const events: string[] = [];
  /** Task tokens of activities waiting to be completed from outside. */
  const asyncTokens: string[] = [];
  return {
    calls,
    events,
    asyncTokens,
    activities: {
      async echoActivity(x: unknown): Promise<unknown> {
        count('echoActivity');
        return x;
      },
      /** Fails with a retryable error until attempt `succeedOn`. */
      async flaky(succeedOn: number): Promise<number> {
        count('flaky');
        const { attempt } = activityInfo();
        if (attempt < succeedOn) throw new Error(`not yet (attempt ${attempt})`);
        return attempt;
      },
      async failWith(kind: 'nonRetryable' | 'typed' | 'plain', message: string): Promise<never> {
        count('failWith');
        if (kind === 'nonRetryable') throw ApplicationFailure.nonRetryable(message, 'BadInput', { field: 'x' });
        if (kind === 'typed') {
          const e = new Error(message);
          e.name = 'PermanentError';
          throw e;
        }
        throw new Error(message);
      },
      /** Takes `ms`, then returns it. */
      async pause(ms: number): Promise<number> {
        count('pause');
        await sleep(ms);
        return ms;
      },
      /** Hangs on early attempts (to trip start-to-close), quick from attempt `fastFrom` on. */
      async slowThenFast(fastFrom: number): Promise<number> {
        count('slowThenFast');
        const { attempt } = activityInfo();
        if (attempt < fastFrom) await sleep(5_000).catch(() => {});
        return attempt;
      },
      /** Heartbeats progress; dies (stops heartbeating) once on attempt 1 after reaching `dieAt`. */
      async resumable(total: number, dieAt: number): Promise<{ resumedFrom: unknown; attempt: number }> {
        count('resumable');
        const info = activityInfo();
        const resumedFrom = info.heartbeatDetails;
        let i = typeof resumedFrom === 'number' ? resumedFrom : 0;
        for (; i < total; i++) {
          if (info.attempt === 1 && i === dieAt) await sleep(10_000).catch(() => {}); // stop heartbeating
          heartbeat(i + 1);
          await new Promise((r) => setTimeout(r, 5));
        }
        return { resumedFrom, attempt: info.attempt };
      },
      /** Waits until cancelled (observed through heartbeats), then reports it. */
      async waitForCancel(): Promise<string> {
        count('waitForCancel');
        events.push('waitForCancel:started');
        const signal = cancellationSignal();
        while (!signal.aborted) {
          heartbeat();
          await new Promise((r) => setTimeout(r, 20));
        }
        events.push('waitForCancel:cancelled');
        throw signal.reason instanceof CancelledFailure ? signal.reason : new CancelledFailure('cancelled');
      },
      /** Hands its task token out and completes later, from outside the worker. */
      async completesAsync(): Promise<string> {
        count('completesAsync');
        asyncTokens.push(activityInfo().taskToken);
        throw new CompleteAsyncError();
      },
      async bigResult(bytes: number): Promise<string> {
        count('bigResult');
        return 'x'.repeat(bytes);
      },
    },
  };
}

export type TestActivities = ReturnType<typeof makeActivities>['activities'];
