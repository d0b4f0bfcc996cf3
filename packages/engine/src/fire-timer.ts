// What a run's durable timer does when it fires: one case per kind of timer, so a new kind does
// not compile until it is handled here.
import { ApiError } from '@endure/protocol';
import type { EngineCore } from './engine-core.js';
import type { Run } from './run.js';
import type { TimerId } from './timer-ids.js';
import { fireUserTimer, timeOutRun } from './lifecycle.js';
import { activityDeadlinePassed } from './activity-tasks.js';
import { startDelayedRun } from './delayed-start.js';
import { loadStartAttributes } from './cron/cron-chain.js';
import { runEffect } from './effects.js';
import { giveUpAfterStorageFailure } from './cluster/failed-writes.js';

/** How soon an effect whose other run could not be reached is tried again. */
const EFFECT_RETRY_MS = 1000;
/**
 * Failures of an effect's call that may pass: the other run's node unreachable or its shard
 * moving (UNAVAILABLE), no answer in time (DEADLINE_EXCEEDED: a node stuck on its database), or
 * a node's error of its own. Others (not found, invalid) would only fail again.
 */
const PASSING = new Set<string>(['UNAVAILABLE', 'DEADLINE_EXCEEDED', 'INTERNAL']);

export function fireTimer(core: EngineCore, run: Run, timer: TimerId): void {
  // Storage failures stop a single engine (EngineCore.fail), and give the run's shard up on a
  // cluster node (cluster/failed-writes.ts); nothing else to do per timer.
  const done = (p: Promise<void> | undefined) => void p?.catch(() => {});
  switch (timer.kind) {
    case 'userTimer':
      return done(fireUserTimer(core, run, timer.seq));
    case 'activityDeadline':
      return activityDeadlinePassed(core, run, timer.seq, timer.deadline);
    case 'runTimeout': {
      // The timer is spent: a run whose first event cannot be read would never time out, so that
      // read failing is a storage failure like any other (a single engine stops, a cluster node reloads the shard).
      const loaded = loadStartAttributes(core, run).catch((err: unknown) => {
        giveUpAfterStorageFailure(core, run.key, err);
        throw err;
      });
      return done(loaded.then(() => (run.open ? timeOutRun(core, run, 'RUN') : undefined)));
    }
    case 'executionTimeout':
      return done(timeOutRun(core, run, 'EXECUTION'));
    case 'delayedStart':
      return done(startDelayedRun(core, run));
    case 'effect':
      runEffect(core, run, timer.effect).catch((err: unknown) => {
        if (!(err instanceof ApiError)) return giveUpAfterStorageFailure(core, run.key, err);
        // It may pass: try again shortly (its row stays until done).
        if (PASSING.has(err.code) && core.health().status === 'serving' && !run.retired) {
          core.armTimer(core.timerRow(run, timer, core.now() + EFFECT_RETRY_MS));
        }
      });
      return;
    default: {
      const unknown: never = timer;
      throw new Error(`internal: a timer of unknown kind ${JSON.stringify(unknown)}`);
    }
  }
}
