import type { RetryPolicy, Failure } from '@endure/protocol';

/** Temporal's defaults: 1 s, doubling, capped at 100× the initial interval, unlimited attempts. */
export function resolveRetryPolicy(p: RetryPolicy = {}): Required<RetryPolicy> {
  const initialIntervalMs = p.initialIntervalMs ?? 1000;
  return {
    initialIntervalMs,
    backoffCoefficient: p.backoffCoefficient ?? 2,
    maximumIntervalMs: p.maximumIntervalMs ?? initialIntervalMs * 100,
    maximumAttempts: p.maximumAttempts ?? 0,
    nonRetryableErrorTypes: p.nonRetryableErrorTypes ?? [],
  };
}

/**
 * The delay before the next attempt after `attempt` failed with `failure`, or undefined when
 * the policy says stop (with the reason as a RetryState).
 */
export function nextRetry(
  policy: RetryPolicy,
  attempt: number,
  failure: Failure,
): { delayMs: number } | { stop: 'NON_RETRYABLE_FAILURE' | 'MAXIMUM_ATTEMPTS_REACHED' } {
  const p = resolveRetryPolicy(policy);
  const info = failure.info;
  if (info?.type === 'application') {
    if (info.nonRetryable) return { stop: 'NON_RETRYABLE_FAILURE' };
    if (info.errorType && p.nonRetryableErrorTypes.includes(info.errorType)) return { stop: 'NON_RETRYABLE_FAILURE' };
  }
  if (info?.type === 'timeout' && (info.timeoutType === 'SCHEDULE_TO_CLOSE' || info.timeoutType === 'SCHEDULE_TO_START')) {
    return { stop: 'NON_RETRYABLE_FAILURE' };
  }
  if (p.maximumAttempts > 0 && attempt >= p.maximumAttempts) return { stop: 'MAXIMUM_ATTEMPTS_REACHED' };
  if (info?.type === 'application' && info.nextRetryDelayMs !== undefined) return { delayMs: info.nextRetryDelayMs };
  const delay = p.initialIntervalMs * Math.pow(p.backoffCoefficient, attempt - 1);
  return { delayMs: Math.min(delay, p.maximumIntervalMs) };
}
