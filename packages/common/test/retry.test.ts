import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { nextRetry, resolveRetryPolicy } from '../src/index.js';

const plain = { message: 'boom' };

describe('retry policy maths (Temporal’s)', () => {
  it('defaults: initialInterval 1 s, backoffCoefficient 2, maximumInterval 100 × the initial interval, unlimited attempts', () => {
    assert.deepEqual(resolveRetryPolicy({}), { initialIntervalMs: 1000, backoffCoefficient: 2, maximumIntervalMs: 100_000, maximumAttempts: 0, nonRetryableErrorTypes: [] });
  });

  it('waits initialInterval × backoffCoefficient^(attempt-1), capped at maximumInterval', () => {
    const policy = { initialIntervalMs: 10, backoffCoefficient: 3, maximumIntervalMs: 200 };
    assert.deepEqual([1, 2, 3, 4, 5].map((attempt) => nextRetry(policy, attempt, plain)), [{ delayMs: 10 }, { delayMs: 30 }, { delayMs: 90 }, { delayMs: 200 }, { delayMs: 200 }]);
  });

  it('stops at maximumAttempts and for nonRetryableErrorTypes', () => {
    assert.deepEqual(nextRetry({ maximumAttempts: 2 }, 2, plain), { stop: 'MAXIMUM_ATTEMPTS_REACHED' });
    const typed = { message: 'no', info: { type: 'application' as const, errorType: 'Fatal', nonRetryable: false } };
    assert.deepEqual(nextRetry({ nonRetryableErrorTypes: ['Fatal'] }, 1, typed), { stop: 'NON_RETRYABLE_FAILURE' });
  });
});
