import { CancelledFailure, checkOptions, toMs, type Duration } from '@endure/common';
import { activator } from './current.js';
import { currentScope } from './cancellation-scope.js';
import { timerOptionTable } from './option-tables.js';

/** Temporal's options of a timer (sleep, condition with a timeout). */
export interface TimerOptions {
  /** @deprecated Not supported by Endure: there is no user metadata; refused when set. */
  summary?: never;
}

/** A durable sleep: survives restarts; rejects with CancelledFailure if the workflow is cancelled. */
export function sleep(duration: Duration, options?: TimerOptions): Promise<void> {
  const a = activator('sleep()');
  checkOptions('sleep', 'TimerOptions', options, timerOptionTable);
  const ms = toMs(duration, 'sleep duration');
  const scope = currentScope(a.rootScope);
  if (scope.consideredCancelled) return Promise.reject(scope.reason ?? new CancelledFailure('Workflow cancelled'));
  return new Promise<void>((resolve, reject) => {
    let off = () => {};
    const seq = a.startTimer(ms, () => {
      off();
      resolve();
    });
    off = scope.onCancel((reason) => {
      if (a.cancelTimer(seq)) reject(reason);
    });
  });
}

/**
 * Waits until `fn` returns true, checked after every change to the workflow's state. With a
 * timeout, resolves true if the condition held in time and false if the timeout came first.
 */
export function condition(fn: () => boolean, timeout?: Duration, options?: TimerOptions): Promise<boolean> {
  const a = activator('condition()');
  checkOptions('condition', 'TimerOptions', options, timerOptionTable);
  const ms = timeout === undefined ? undefined : toMs(timeout, 'condition timeout');
  const scope = currentScope(a.rootScope);
  if (scope.consideredCancelled) return Promise.reject(scope.reason ?? new CancelledFailure('Workflow cancelled'));
  return new Promise<boolean>((resolve, reject) => {
    let timerSeq: number | undefined;
    let offCancel = () => {};
    const removeCondition = a.addCondition({
      fn,
      resolve: () => {
        offCancel();
        if (timerSeq !== undefined) a.cancelTimer(timerSeq);
        resolve(true);
      },
    });
    if (ms !== undefined) {
      timerSeq = a.startTimer(ms, () => {
        removeCondition();
        offCancel();
        resolve(false);
      });
    }
    offCancel = scope.onCancel((reason) => {
      removeCondition();
      if (timerSeq !== undefined) a.cancelTimer(timerSeq);
      reject(reason);
    });
  });
}
